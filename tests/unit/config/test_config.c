/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/config/test_config.c: CUnit suite "config" for the YAML loader and its checks. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"

#ifndef SRC_DIR
#define SRC_DIR "."
#endif

/* Line 1 is the instance, lines 2-10 two interfaces; what a test adds starts on line 11. */
#define HEAD                              \
	"instance: gw\n"                  \
	"interfaces:\n"                   \
	"  - name: outside\n"             \
	"    port: net_af_packet0\n"      \
	"    role: unprotected\n"         \
	"    addresses: [192.0.2.2/24]\n" \
	"  - name: inside\n"              \
	"    port: net_af_packet1\n"      \
	"    role: protected\n"           \
	"    addresses: [203.0.113.1/24]\n"

/* One interface on lines 2-6, for tests that vary a single field. */
#define IFACE(name, port, role, addrs) \
	"instance: gw\n"               \
	"interfaces:\n"                \
	"  - name: " name "\n"         \
	"    port: " port "\n"         \
	"    role: " role "\n"         \
	"    addresses: " addrs "\n"

#define WAN(addrs) IFACE("wan", "net_tap0", "unprotected", addrs)

/* Load yaml as gw.yaml; *errors gets what was printed (free it). */
static struct config *
load(const char *yaml, size_t len, char **errors)
{
	struct config *cfg;
	size_t size = 0;
	FILE *f;

	*errors = NULL;
	f = open_memstream(errors, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cfg = config_load_buffer(yaml, len, "gw.yaml", f);
	fclose(f);
	return cfg;
}

/* The load must fail and print exactly want. */
static void
assert_errors(const char *yaml, size_t len, const char *want, unsigned int line)
{
	struct config *cfg;
	char *got;
	bool ok;

	cfg = load(yaml, len, &got);
	ok = cfg == NULL && strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "\nline %u:\n--- want\n%s--- got (%s)\n%s---\n", line, want,
		    cfg == NULL ? "failed" : "loaded", got);
	CU_assertImplementation(ok, line, "errors as expected", __FILE__, "", CU_FALSE);
	config_destroy(cfg);
	free(got);
}

#define ASSERT_ERRORS(yaml, want) assert_errors(yaml, strlen(yaml), want, __LINE__)

/* The load must succeed silently. */
static struct config *
load_ok(const char *yaml, size_t len, unsigned int line)
{
	struct config *cfg;
	char *got;

	cfg = load(yaml, len, &got);
	if (cfg == NULL || got[0] != '\0')
		fprintf(stderr, "\nline %u: unexpected errors:\n%s", line, got);
	CU_assertImplementation(cfg != NULL && got[0] == '\0', line, "loads", __FILE__, "",
	    CU_TRUE);
	free(got);
	return cfg;
}

#define LOAD_OK(yaml) load_ok(yaml, strlen(yaml), __LINE__)

static void
assert_addr(const struct config_addr *a, const char *want)
{
	char buf[64];

	CU_ASSERT_STRING_EQUAL(config_addr_format(a, buf, sizeof(buf)), want);
}

/* Positive cases */

static void
test_load_minimal(void)
{
	static const uint8_t addr[4] = { 192, 0, 2, 2 };
	struct config *cfg;

	cfg = LOAD_OK(WAN("[192.0.2.2/24]"));
	CU_ASSERT_STRING_EQUAL(cfg->instance, "gw");
	CU_ASSERT_FALSE(cfg->diagnostics);
	CU_ASSERT_EQUAL(cfg->n_interfaces, 1);
	CU_ASSERT_STRING_EQUAL(cfg->interfaces[0].name, "wan");
	CU_ASSERT_STRING_EQUAL(cfg->interfaces[0].port, "net_tap0");
	CU_ASSERT_EQUAL(cfg->interfaces[0].role, CONFIG_ROLE_UNPROTECTED);
	CU_ASSERT_EQUAL(cfg->interfaces[0].mtu, CONFIG_MTU_DEFAULT);
	CU_ASSERT_EQUAL(cfg->interfaces[0].n_addresses, 1);
	CU_ASSERT_EQUAL(cfg->interfaces[0].addresses[0].a.family, 4);
	CU_ASSERT_EQUAL(memcmp(cfg->interfaces[0].addresses[0].a.addr, addr, 4), 0);
	CU_ASSERT_EQUAL(cfg->interfaces[0].addresses[0].len, 24);
	CU_ASSERT_EQUAL(cfg->n_routes, 0);
	CU_ASSERT_PTR_NULL(cfg->routes);
	CU_ASSERT_EQUAL(cfg->n_neighbors, 0);
	CU_ASSERT_PTR_NULL(cfg->neighbors);
	config_destroy(cfg);
}

static void
test_load_full(void)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
		2 };
	static const uint8_t mac0[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac1[6] = { 0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const char yaml[] = "# a full gateway\n"
	                           "instance: Gw_1-a\n"
	                           "diagnostics: yes\n"
	                           "interfaces:\n"
	                           "  - name: outside\n"
	                           "    port: \"0000:00:1f.6\"\n"
	                           "    role: unprotected\n"
	                           "    addresses: [192.0.2.2/24, 2001:db8:0:2::2/64]\n"
	                           "    mtu: 9000\n"
	                           "  - name: in-side_2\n"
	                           "    port: net_af_packet1,iface=veth1\n"
	                           "    role: protected\n"
	                           "    addresses:\n"
	                           "      - 203.0.113.1/24\n"
	                           "      - 10.1.0.1/16\n"
	                           "routes:\n"
	                           "  - destination: 198.51.100.0/24\n"
	                           "    gateway: 192.0.2.1\n"
	                           "  - {destination: 0.0.0.0/0, gateway: 192.0.2.254}\n"
	                           "  - destination: 10.2.0.0/16\n"
	                           "    gateway: 10.1.255.254\n"
	                           "neighbors:\n"
	                           "  - {address: 192.0.2.1, mac: \"02:00:00:00:00:01\"}\n"
	                           "  - address: 203.0.113.7\n"
	                           "    mac: 0A:bb:CC:dd:EE:ff\n";
	struct config *cfg;

	cfg = LOAD_OK(yaml);
	CU_ASSERT_STRING_EQUAL(cfg->instance, "Gw_1-a");
	CU_ASSERT_TRUE(cfg->diagnostics);
	CU_ASSERT_EQUAL(cfg->n_interfaces, 2);

	CU_ASSERT_STRING_EQUAL(cfg->interfaces[0].name, "outside");
	CU_ASSERT_STRING_EQUAL(cfg->interfaces[0].port, "0000:00:1f.6");
	CU_ASSERT_EQUAL(cfg->interfaces[0].role, CONFIG_ROLE_UNPROTECTED);
	CU_ASSERT_EQUAL(cfg->interfaces[0].mtu, 9000);
	CU_ASSERT_EQUAL(cfg->interfaces[0].n_addresses, 2);
	assert_addr(&cfg->interfaces[0].addresses[0].a, "192.0.2.2");
	CU_ASSERT_EQUAL(cfg->interfaces[0].addresses[0].len, 24);
	CU_ASSERT_EQUAL(cfg->interfaces[0].addresses[1].a.family, 6);
	CU_ASSERT_EQUAL(memcmp(cfg->interfaces[0].addresses[1].a.addr, v6, 16), 0);
	CU_ASSERT_EQUAL(cfg->interfaces[0].addresses[1].len, 64);

	CU_ASSERT_STRING_EQUAL(cfg->interfaces[1].name, "in-side_2");
	CU_ASSERT_STRING_EQUAL(cfg->interfaces[1].port, "net_af_packet1,iface=veth1");
	CU_ASSERT_EQUAL(cfg->interfaces[1].role, CONFIG_ROLE_PROTECTED);
	CU_ASSERT_EQUAL(cfg->interfaces[1].mtu, CONFIG_MTU_DEFAULT);
	CU_ASSERT_EQUAL(cfg->interfaces[1].n_addresses, 2);
	assert_addr(&cfg->interfaces[1].addresses[0].a, "203.0.113.1");
	assert_addr(&cfg->interfaces[1].addresses[1].a, "10.1.0.1");
	CU_ASSERT_EQUAL(cfg->interfaces[1].addresses[1].len, 16);

	CU_ASSERT_EQUAL_FATAL(cfg->n_routes, 3);
	assert_addr(&cfg->routes[0].destination.a, "198.51.100.0");
	CU_ASSERT_EQUAL(cfg->routes[0].destination.len, 24);
	assert_addr(&cfg->routes[0].gateway, "192.0.2.1");
	CU_ASSERT_EQUAL(cfg->routes[0].interface, 0);
	assert_addr(&cfg->routes[1].destination.a, "0.0.0.0");
	CU_ASSERT_EQUAL(cfg->routes[1].destination.len, 0);
	CU_ASSERT_EQUAL(cfg->routes[1].interface, 0);
	CU_ASSERT_EQUAL(cfg->routes[2].destination.len, 16);
	assert_addr(&cfg->routes[2].gateway, "10.1.255.254");
	CU_ASSERT_EQUAL(cfg->routes[2].interface, 1);

	CU_ASSERT_EQUAL_FATAL(cfg->n_neighbors, 2);
	assert_addr(&cfg->neighbors[0].address, "192.0.2.1");
	CU_ASSERT_EQUAL(memcmp(cfg->neighbors[0].mac, mac0, 6), 0);
	CU_ASSERT_EQUAL(cfg->neighbors[0].interface, 0);
	assert_addr(&cfg->neighbors[1].address, "203.0.113.7");
	CU_ASSERT_EQUAL(memcmp(cfg->neighbors[1].mac, mac1, 6), 0);
	CU_ASSERT_EQUAL(cfg->neighbors[1].interface, 1);
	config_destroy(cfg);
}

static void
test_load_ipv6(void)
{
	static const char yaml[] = "instance: v6\n"
	                           "interfaces:\n"
	                           "  - name: wan\n"
	                           "    port: net_tap0\n"
	                           "    role: unprotected\n"
	                           "    addresses: [\"2001:db8:1::2/64\"]\n"
	                           "    mtu: 1280\n"
	                           "  - name: lan\n"
	                           "    port: net_tap1\n"
	                           "    role: protected\n"
	                           "    addresses:\n"
	                           "      - fd00:1::1/48\n"
	                           "      - fe80::1/10\n"
	                           "routes:\n"
	                           "  - destination: ::/0\n"
	                           "    gateway: 2001:db8:1::1\n"
	                           "  - destination: 2001:db8:ff00::/40\n"
	                           "    gateway: fd00:1:0:5::9\n"
	                           "neighbors:\n"
	                           "  - address: 2001:db8:1::1\n"
	                           "    mac: 02:00:00:00:00:0a\n";
	static const uint8_t fd00[16] = { 0xfd, 0, 0, 1 };
	struct config *cfg;

	cfg = LOAD_OK(yaml);
	CU_ASSERT_EQUAL(cfg->interfaces[0].mtu, 1280);
	assert_addr(&cfg->interfaces[0].addresses[0].a, "2001:db8:1::2");
	CU_ASSERT_EQUAL(cfg->interfaces[1].addresses[0].a.family, 6);
	CU_ASSERT_EQUAL(memcmp(cfg->interfaces[1].addresses[0].a.addr, fd00, 15), 0);
	CU_ASSERT_EQUAL(cfg->interfaces[1].addresses[0].a.addr[15], 1);
	CU_ASSERT_EQUAL(cfg->interfaces[1].addresses[0].len, 48);
	CU_ASSERT_EQUAL(cfg->interfaces[1].addresses[1].len, 10);
	CU_ASSERT_EQUAL_FATAL(cfg->n_routes, 2);
	assert_addr(&cfg->routes[0].destination.a, "::");
	CU_ASSERT_EQUAL(cfg->routes[0].destination.len, 0);
	CU_ASSERT_EQUAL(cfg->routes[0].interface, 0);
	assert_addr(&cfg->routes[1].destination.a, "2001:db8:ff00::");
	CU_ASSERT_EQUAL(cfg->routes[1].destination.len, 40);
	CU_ASSERT_EQUAL(cfg->routes[1].interface, 1);
	CU_ASSERT_EQUAL_FATAL(cfg->n_neighbors, 1);
	assert_addr(&cfg->neighbors[0].address, "2001:db8:1::1");
	CU_ASSERT_EQUAL(cfg->neighbors[0].interface, 0);
	CU_ASSERT_EQUAL(cfg->neighbors[0].mac[5], 0x0a);
	config_destroy(cfg);
}

static void
test_load_optional_empty(void)
{
	struct config *cfg;

	cfg = LOAD_OK(HEAD "routes: []\n"
	                   "neighbors: ~\n"
	                   "diagnostics: OFF\n");
	CU_ASSERT_EQUAL(cfg->n_routes, 0);
	CU_ASSERT_EQUAL(cfg->n_neighbors, 0);
	CU_ASSERT_FALSE(cfg->diagnostics);
	config_destroy(cfg);

	cfg = LOAD_OK(HEAD "routes:\n"
	                   "diagnostics: On\n");
	CU_ASSERT_TRUE(cfg->diagnostics);
	config_destroy(cfg);
}

static void
test_load_int_hex(void)
{
	struct config *cfg;

	cfg = LOAD_OK(HEAD "    mtu: 0x5DC\n");
	CU_ASSERT_EQUAL(cfg->interfaces[1].mtu, 1500);
	config_destroy(cfg);
}

static void
test_load_default_embedded(void)
{
	struct config *cfg;

	CU_ASSERT_EQUAL(strlen(config_default_yaml), config_default_yaml_len);
	cfg = load_ok(config_default_yaml, config_default_yaml_len, __LINE__);
	CU_ASSERT_STRING_EQUAL(cfg->instance, "demo");
	CU_ASSERT_EQUAL(cfg->n_interfaces, 2);
	CU_ASSERT_EQUAL(cfg->n_routes, 1);
	CU_ASSERT_EQUAL(cfg->n_neighbors, 1);
	config_destroy(cfg);
}

static void
test_load_file_demo(void)
{
	struct config *cfg;
	char *got = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&got, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cfg = config_load_file(SRC_DIR "/config/demo.yaml", f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(cfg);
	CU_ASSERT_STRING_EQUAL(got, "");
	if (cfg != NULL) {
		CU_ASSERT_STRING_EQUAL(cfg->interfaces[0].port, "net_af_packet0");
		CU_ASSERT_EQUAL(cfg->interfaces[1].role, CONFIG_ROLE_PROTECTED);
	}
	config_destroy(cfg);
	free(got);
}

static void
test_helpers_names(void)
{
	struct config_addr a = { .family = 4, .addr = { 10, 0, 0, 1 } };
	char buf[64];

	CU_ASSERT_STRING_EQUAL(config_role_name(CONFIG_ROLE_UNPROTECTED), "unprotected");
	CU_ASSERT_STRING_EQUAL(config_role_name(CONFIG_ROLE_PROTECTED), "protected");
	CU_ASSERT_STRING_EQUAL(config_addr_format(&a, buf, sizeof(buf)), "10.0.0.1");
	a.family = 0;
	CU_ASSERT_STRING_EQUAL(config_addr_format(&a, buf, sizeof(buf)), "?");
	config_destroy(NULL);
}

/* The file itself */

static void
test_file_unreadable(void)
{
	char *got = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&got, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(config_load_file("/nonexistent/gw.yaml", f));
	CU_ASSERT_PTR_NULL(config_load_file("/", f));
	fclose(f);
	CU_ASSERT_STRING_EQUAL(got,
	    "/nonexistent/gw.yaml: cannot read: No such file or directory\n"
	    "/: cannot read: Is a directory\n");
	free(got);
}

static void
test_file_empty(void)
{
	assert_errors("", 0, "gw.yaml: empty file: no YAML document\n", __LINE__);
	ASSERT_ERRORS("# only a comment\n\n", "gw.yaml: empty file: no YAML document\n");
}

static void
test_file_too_large(void)
{
	size_t len = CONFIG_FILE_MAX + 1;
	char *big;

	big = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '#', len);
	assert_errors(big, len, "gw.yaml: too large: more than 4194304 bytes\n", __LINE__);
	free(big);
}

static void
test_yaml_invalid(void)
{
	ASSERT_ERRORS("instance: [demo\n",
	    "gw.yaml:2:1: not valid YAML: did not find expected ',' or ']'\n");
	ASSERT_ERRORS("instance: demo\n\tinterfaces: []\n",
	    "gw.yaml:2:1: not valid YAML: found a tab character that violates indentation\n");
	assert_errors("instance: d\0mo\n", 15,
	    "gw.yaml:1:12: not valid YAML: control characters are not allowed\n", __LINE__);
}

static void
test_yaml_root_not_mapping(void)
{
	ASSERT_ERRORS("- instance: demo\n",
	    "gw.yaml:1:1: expected a mapping of keys to values at the top level\n");
	ASSERT_ERRORS("\n  just text\n",
	    "gw.yaml:2:3: expected a mapping of keys to values at the top level\n");
}

static void
test_yaml_multiple_documents(void)
{
	ASSERT_ERRORS(HEAD "---\n" HEAD,
	    "gw.yaml:11:1: more than one YAML document (only one is allowed)\n");
}

static void
test_yaml_alias(void)
{
	ASSERT_ERRORS(HEAD "routes: &r\n"
	                   "  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}\n"
	                   "neighbors: *r\n",
	    "gw.yaml:13:12: neighbors: aliases are not supported (*r)\n");
}

static void
test_yaml_too_deep(void)
{
	char yaml[256];

	snprintf(yaml, sizeof(yaml), "instance: %.*s\n", CONFIG_DEPTH_MAX + 5,
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	ASSERT_ERRORS(yaml, "gw.yaml:1:42: nested more than 32 levels deep\n");
}

/* Keys */

static void
test_key_unknown_suggestion(void)
{
	static const char yaml[] = WAN("[192.0.2.2/24]") "    adresses: [192.0.2.3/24]\n"
	                                                 "instanse: gw\n";

	ASSERT_ERRORS(yaml,
	    "gw.yaml:7:5: interfaces[0].adresses: unknown key 'adresses'; did you mean 'addresses'?\n"
	    "gw.yaml:8:1: instanse: unknown key 'instanse'; did you mean 'instance'?\n");
}

static void
test_key_unknown_list(void)
{
	ASSERT_ERRORS(HEAD
	    "color: blue\n"
	    "routes:\n"
	    "  - {destination: 198.51.100.0/24, via: 192.0.2.1, gateway: 192.0.2.1}\n",
	    "gw.yaml:11:1: color: unknown key 'color' (valid keys: instance, diagnostics, interfaces, routes, neighbors)\n"
	    "gw.yaml:13:36: routes[0].via: unknown key 'via' (valid keys: destination, gateway)\n");
}

static void
test_key_duplicate(void)
{
	ASSERT_ERRORS(HEAD "    role: unprotected\n"
	                   "instance: gw2\n",
	    "gw.yaml:11:5: interfaces[1].role: duplicate key 'role' (first at line 9)\n"
	    "gw.yaml:12:1: instance: duplicate key 'instance' (first at line 1)\n");
}

static void
test_key_missing(void)
{
	ASSERT_ERRORS("interfaces:\n"
	              "  - name: wan\n"
	              "    addresses: [192.0.2.2/24]\n"
	              "routes:\n"
	              "  - {gateway: 192.0.2.1}\n",
	    "gw.yaml:1:1: instance: required key is missing\n"
	    "gw.yaml:2:5: interfaces[0].port: required key is missing\n"
	    "gw.yaml:2:5: interfaces[0].role: required key is missing\n"
	    "gw.yaml:5:5: routes[0].destination: required key is missing\n");
}

/* Types */

static void
test_type_list(void)
{
	ASSERT_ERRORS(WAN("192.0.2.2/24") "routes: {}\n",
	    "gw.yaml:6:16: interfaces[0].addresses: expected a list\n"
	    "gw.yaml:7:9: routes: expected a list\n");
}

static void
test_type_map(void)
{
	ASSERT_ERRORS(HEAD "routes: [198.51.100.0/24]\n"
	                   "neighbors:\n"
	                   "  - - 192.0.2.1\n",
	    "gw.yaml:11:10: routes[0]: expected a mapping\n"
	    "gw.yaml:13:5: neighbors[0]: expected a mapping\n");
}

static void
test_type_string(void)
{
	ASSERT_ERRORS("instance: [gw]\n"
	              "interfaces:\n"
	              "  - name: 42\n"
	              "    port: {name: x}\n"
	              "    role: true\n"
	              "    addresses: [~, 1.5]\n",
	    "gw.yaml:1:11: instance: expected a string\n"
	    "gw.yaml:3:11: interfaces[0].name: expected a string\n"
	    "gw.yaml:4:11: interfaces[0].port: expected a string\n"
	    "gw.yaml:5:11: interfaces[0].role: expected a string\n"
	    "gw.yaml:6:17: interfaces[0].addresses[0]: expected a string\n"
	    "gw.yaml:6:20: interfaces[0].addresses[1]: expected a string\n");
}

static void
test_type_int(void)
{
	ASSERT_ERRORS(HEAD "    mtu: \"1500\"\n",
	    "gw.yaml:11:10: interfaces[1].mtu: expected an integer\n");
	ASSERT_ERRORS(HEAD "    mtu: 1500.0\n",
	    "gw.yaml:11:10: interfaces[1].mtu: expected an integer\n");
	ASSERT_ERRORS(HEAD "    mtu: [1500]\n",
	    "gw.yaml:11:10: interfaces[1].mtu: expected an integer\n");
}

static void
test_type_bool(void)
{
	ASSERT_ERRORS(HEAD "diagnostics: 1\n",
	    "gw.yaml:11:14: diagnostics: expected a boolean (true or false)\n");
	ASSERT_ERRORS(HEAD "diagnostics: \"true\"\n",
	    "gw.yaml:11:14: diagnostics: expected a boolean (true or false)\n");
}

static void
test_type_tag(void)
{
	struct config *cfg;

	ASSERT_ERRORS(HEAD "    mtu: !!int 1500\n",
	    "gw.yaml:11:10: interfaces[1].mtu: unsupported tag 'tag:yaml.org,2002:int'\n");
	cfg = LOAD_OK(
	    "instance: !!str 123\n"
	    "interfaces:\n"
	    "  - {name: wan, port: net_tap0, role: unprotected, addresses: [192.0.2.2/24]}\n");
	CU_ASSERT_STRING_EQUAL(cfg->instance, "123");
	config_destroy(cfg);
}

/* Values */

static void
test_instance_invalid(void)
{
	ASSERT_ERRORS("instance: my gw\n"
	              "interfaces: []\n",
	    "gw.yaml:1:11: instance: 'my gw' is not a valid instance name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:2:13: interfaces: at least one interface is required\n");
	ASSERT_ERRORS(
	    "instance: a23456789012345678901234567890123\n"
	    "interfaces: [{name: \"W\\tan\", port: net_tap0, role: unprotected, addresses: [192.0.2.2/24]}]\n",
	    "gw.yaml:1:11: instance: 'a23456789012345678901234567890123' is not a valid instance name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:2:21: interfaces[0].name: 'W\\x09an' is not a valid interface name (1..31 characters of a-z 0-9 _ -)\n");
}

static void
test_iface_port_invalid(void)
{
	ASSERT_ERRORS(IFACE("wan", "\"net tap0\"", "outside", "[192.0.2.2/24]"),
	    "gw.yaml:4:11: interfaces[0].port: 'net tap0' is not a valid port name (1..63 printable characters, no spaces)\n"
	    "gw.yaml:5:11: interfaces[0].role: 'outside' is not a valid role (unprotected or protected)\n");
}

static void
test_prefix_bad_ipv4(void)
{
	ASSERT_ERRORS(WAN("[192.0.2.300/24, 192.0.2.2/x, 192.0.2/24]"),
	    "gw.yaml:6:17: interfaces[0].addresses[0]: '192.0.2.300/24' is not an IPv4 or IPv6 prefix\n"
	    "gw.yaml:6:33: interfaces[0].addresses[1]: '192.0.2.2/x' is not an IPv4 or IPv6 prefix\n"
	    "gw.yaml:6:46: interfaces[0].addresses[2]: '192.0.2/24' is not an IPv4 or IPv6 prefix\n");
}

static void
test_prefix_bad_ipv6(void)
{
	ASSERT_ERRORS(WAN("[\"2001:db8::g/64\", \"2001:db8:::1/64\", \"fe80::1%eth0/64\"]"),
	    "gw.yaml:6:17: interfaces[0].addresses[0]: '2001:db8::g/64' is not an IPv4 or IPv6 prefix\n"
	    "gw.yaml:6:35: interfaces[0].addresses[1]: '2001:db8:::1/64' is not an IPv4 or IPv6 prefix\n"
	    "gw.yaml:6:54: interfaces[0].addresses[2]: 'fe80::1%eth0/64' is not an IPv4 or IPv6 prefix\n");
}

static void
test_prefix_missing_length(void)
{
	ASSERT_ERRORS(WAN("[192.0.2.2]"),
	    "gw.yaml:6:17: interfaces[0].addresses[0]: '192.0.2.2' needs a prefix length (ADDR/LEN)\n");
}

static void
test_prefix_length_range(void)
{
	ASSERT_ERRORS(WAN("[192.0.2.2/33, \"2001:db8::2/129\"]"),
	    "gw.yaml:6:17: interfaces[0].addresses[0]: prefix length 33 is out of range (0..32)\n"
	    "gw.yaml:6:31: interfaces[0].addresses[1]: prefix length 129 is out of range (0..128)\n");
}

static void
test_addr_bad(void)
{
	ASSERT_ERRORS(HEAD "routes:\n"
	                   "  - destination: 198.51.100.0/24\n"
	                   "    gateway: 192.0.2.1/24\n"
	                   "neighbors:\n"
	                   "  - {address: 192.0.2.256, mac: \"02:00:00:00:00:01\"}\n",
	    "gw.yaml:13:14: routes[0].gateway: '192.0.2.1/24' is not an IPv4 or IPv6 address\n"
	    "gw.yaml:15:15: neighbors[0].address: '192.0.2.256' is not an IPv4 or IPv6 address\n");
}

static void
test_mtu_range(void)
{
	ASSERT_ERRORS(HEAD "    mtu: 1280000\n",
	    "gw.yaml:11:10: interfaces[1].mtu: 1280000 is out of range (576..9000)\n");
	ASSERT_ERRORS(HEAD "    mtu: -1\n",
	    "gw.yaml:11:10: interfaces[1].mtu: -1 is out of range (576..9000)\n");
	ASSERT_ERRORS(HEAD "    mtu: 99999999999999999999999\n",
	    "gw.yaml:11:10: interfaces[1].mtu: 99999999999999999999999 is out of range (576..9000)\n");
}

static void
test_mtu_ipv6_minimum(void)
{
	static const char yaml[] = WAN("[192.0.2.2/24, \"2001:db8::2/64\"]") "    mtu: 1000\n";

	ASSERT_ERRORS(yaml,
	    "gw.yaml:7:10: interfaces[0].mtu: 1000 is too small for an interface with an IPv6 address (at least 1280)\n");
}

/* Uniqueness and references */

static void
test_iface_duplicate_name(void)
{
	ASSERT_ERRORS(HEAD "  - name: outside\n"
	                   "    port: net_af_packet2\n"
	                   "    role: protected\n"
	                   "    addresses: [10.0.0.1/8]\n",
	    "gw.yaml:11:11: interfaces[2].name: duplicate interface name 'outside' (also interfaces[0])\n");
}

static void
test_iface_duplicate_port(void)
{
	ASSERT_ERRORS(HEAD "  - name: third\n"
	                   "    port: net_af_packet1\n"
	                   "    role: protected\n"
	                   "    addresses: [10.0.0.1/8]\n",
	    "gw.yaml:12:11: interfaces[2].port: port 'net_af_packet1' is already used by interfaces[1]\n");
}

static void
test_iface_duplicate_address(void)
{
	ASSERT_ERRORS(HEAD "  - name: third\n"
	                   "    port: net_af_packet2\n"
	                   "    role: protected\n"
	                   "    addresses: [10.0.0.1/8, 10.0.0.1/16, 192.0.2.2/32]\n",
	    "gw.yaml:14:29: interfaces[2].addresses[1]: duplicate address 10.0.0.1 (also interfaces[2].addresses[0])\n"
	    "gw.yaml:14:42: interfaces[2].addresses[2]: duplicate address 192.0.2.2 (also interfaces[0].addresses[0])\n");
}

static void
test_iface_overlapping_prefixes(void)
{
	ASSERT_ERRORS(HEAD "  - name: third\n"
	                   "    port: net_af_packet2\n"
	                   "    role: protected\n"
	                   "    addresses: [192.0.2.3/24, 203.0.0.1/16]\n",
	    "gw.yaml:14:17: interfaces[2].addresses[0]: 192.0.2.3/24 overlaps interfaces[0].addresses[0] (192.0.2.2/24)\n"
	    "gw.yaml:14:31: interfaces[2].addresses[1]: 203.0.0.1/16 overlaps interfaces[1].addresses[0] (203.0.113.1/24)\n");
}

static void
test_route_host_bits(void)
{
	ASSERT_ERRORS(HEAD "routes:\n"
	                   "  - destination: 198.51.100.1/24\n"
	                   "    gateway: 192.0.2.1\n",
	    "gw.yaml:12:18: routes[0].destination: '198.51.100.1/24' has host bits set (network is 198.51.100.0/24)\n");
}

static void
test_route_gateway_unconnected(void)
{
	ASSERT_ERRORS(HEAD "routes:\n"
	                   "  - destination: 198.51.100.0/24\n"
	                   "    gateway: 192.0.2.9\n"
	                   "  - destination: 198.51.101.0/24\n"
	                   "    gateway: 192.0.3.1\n"
	                   "  - destination: 198.51.102.0/24\n"
	                   "    gateway: 203.0.113.1\n",
	    "gw.yaml:15:14: routes[1].gateway: gateway 192.0.3.1 is not on any interface's connected network\n"
	    "gw.yaml:17:14: routes[2].gateway: gateway 203.0.113.1 is this gateway's own address (interfaces[1].addresses[0])\n");
}

static void
test_route_gateway_family(void)
{
	ASSERT_ERRORS(HEAD "routes:\n"
	                   "  - destination: 198.51.100.0/24\n"
	                   "    gateway: 2001:db8::1\n",
	    "gw.yaml:13:14: routes[0].gateway: gateway 2001:db8::1 is IPv6 but destination 198.51.100.0/24 is IPv4\n");
}

static void
test_route_duplicate(void)
{
	ASSERT_ERRORS(HEAD "routes:\n"
	                   "  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}\n"
	                   "  - {destination: 198.51.100.0/25, gateway: 192.0.2.1}\n"
	                   "  - {destination: 198.51.100.0/24, gateway: 203.0.113.9}\n",
	    "gw.yaml:14:19: routes[2].destination: duplicate destination 198.51.100.0/24 (also routes[0])\n");
}

static void
test_neighbor_bad_mac(void)
{
	ASSERT_ERRORS(HEAD "neighbors:\n"
	                   "  - {address: 192.0.2.1, mac: \"02:00:00:00:00:0g\"}\n"
	                   "  - {address: 192.0.2.3, mac: \"02-00-00-00-00-01\"}\n"
	                   "  - {address: 192.0.2.4, mac: \"00:00:00:00:00:00\"}\n",
	    "gw.yaml:12:31: neighbors[0].mac: '02:00:00:00:00:0g' is not a MAC address (xx:xx:xx:xx:xx:xx)\n"
	    "gw.yaml:13:31: neighbors[1].mac: '02-00-00-00-00-01' is not a MAC address (xx:xx:xx:xx:xx:xx)\n"
	    "gw.yaml:14:31: neighbors[2].mac: '00:00:00:00:00:00' is the all-zero MAC address\n");
}

static void
test_neighbor_multicast_mac(void)
{
	ASSERT_ERRORS(HEAD "neighbors:\n"
	                   "  - {address: 192.0.2.1, mac: \"01:00:5e:00:00:01\"}\n",
	    "gw.yaml:12:31: neighbors[0].mac: '01:00:5e:00:00:01' is a multicast MAC address (a neighbor needs a unicast one)\n");
}

static void
test_neighbor_duplicate(void)
{
	ASSERT_ERRORS(HEAD "neighbors:\n"
	                   "  - {address: 192.0.2.1, mac: \"02:00:00:00:00:01\"}\n"
	                   "  - {address: 192.0.2.1, mac: \"02:00:00:00:00:02\"}\n",
	    "gw.yaml:13:15: neighbors[1].address: duplicate neighbor 192.0.2.1 (also neighbors[0])\n");
}

static void
test_neighbor_unconnected(void)
{
	ASSERT_ERRORS(HEAD "neighbors:\n"
	                   "  - {address: 198.51.100.1, mac: \"02:00:00:00:00:01\"}\n"
	                   "  - {address: 192.0.2.2, mac: \"02:00:00:00:00:02\"}\n",
	    "gw.yaml:12:15: neighbors[0].address: neighbor 198.51.100.1 is not on any interface's connected network\n"
	    "gw.yaml:13:15: neighbors[1].address: neighbor 192.0.2.2 is this gateway's own address (interfaces[0].addresses[0])\n");
}

/* Reporting */

static void
test_errors_file_order(void)
{
	/* Routes come first in the file but are checked after the interfaces. */
	ASSERT_ERRORS("routes:\n"
	              "  - {destination: 198.51.100.1/24, gateway: 192.0.2.1}\n"
	              "interfaces:\n"
	              "  - name: outside\n"
	              "    port: net_af_packet0\n"
	              "    role: sideways\n"
	              "    addresses: [192.0.2.2/24]\n"
	              "    mtu: 100\n"
	              "instance: \"\"\n",
	    "gw.yaml:2:19: routes[0].destination: '198.51.100.1/24' has host bits set (network is 198.51.100.0/24)\n"
	    "gw.yaml:6:11: interfaces[0].role: 'sideways' is not a valid role (unprotected or protected)\n"
	    "gw.yaml:8:10: interfaces[0].mtu: 100 is out of range (576..9000)\n"
	    "gw.yaml:9:11: instance: '' is not a valid instance name (1..31 characters of A-Z a-z 0-9 _ -)\n");
}

static void
test_errors_too_many(void)
{
	char yaml[4096], want[4096];
	size_t y, w;
	int i;

	y = (size_t)snprintf(yaml, sizeof(yaml), "%s", HEAD "neighbors:\n");
	w = 0;
	for (i = 0; i < 25; i++) {
		y += (size_t)snprintf(yaml + y, sizeof(yaml) - y,
		    "  - {address: 192.0.2.%d, mac: \"01:00:00:00:00:01\"}\n", 10 + i);
		if (i < 20)
			w += (size_t)snprintf(want + w, sizeof(want) - w,
			    "gw.yaml:%d:32: neighbors[%d].mac: '01:00:00:00:00:01' is a multicast MAC address (a neighbor needs a unicast one)\n",
			    12 + i, i);
	}
	snprintf(want + w, sizeof(want) - w, "gw.yaml: too many errors, stopping after 20\n");
	ASSERT_ERRORS(yaml, want);
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
#define T(fn) { #fn, fn }
		T(test_load_minimal),
		T(test_load_full),
		T(test_load_ipv6),
		T(test_load_optional_empty),
		T(test_load_int_hex),
		T(test_load_default_embedded),
		T(test_load_file_demo),
		T(test_helpers_names),
		T(test_file_unreadable),
		T(test_file_empty),
		T(test_file_too_large),
		T(test_yaml_invalid),
		T(test_yaml_root_not_mapping),
		T(test_yaml_multiple_documents),
		T(test_yaml_alias),
		T(test_yaml_too_deep),
		T(test_key_unknown_suggestion),
		T(test_key_unknown_list),
		T(test_key_duplicate),
		T(test_key_missing),
		T(test_type_list),
		T(test_type_map),
		T(test_type_string),
		T(test_type_int),
		T(test_type_bool),
		T(test_type_tag),
		T(test_instance_invalid),
		T(test_iface_port_invalid),
		T(test_prefix_bad_ipv4),
		T(test_prefix_bad_ipv6),
		T(test_prefix_missing_length),
		T(test_prefix_length_range),
		T(test_addr_bad),
		T(test_mtu_range),
		T(test_mtu_ipv6_minimum),
		T(test_iface_duplicate_name),
		T(test_iface_duplicate_port),
		T(test_iface_duplicate_address),
		T(test_iface_overlapping_prefixes),
		T(test_route_host_bits),
		T(test_route_gateway_unconnected),
		T(test_route_gateway_family),
		T(test_route_duplicate),
		T(test_neighbor_bad_mac),
		T(test_neighbor_multicast_mac),
		T(test_neighbor_duplicate),
		T(test_neighbor_unconnected),
		T(test_errors_file_order),
		T(test_errors_too_many),
#undef T
	};
	CU_pSuite suite;
	unsigned int failures;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	if ((suite = CU_add_suite("config", NULL, NULL)) == NULL)
		goto fail_cleanup;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto fail_cleanup;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
fail_cleanup:
	CU_cleanup_registry();
	return 1;
}
