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

/* mbufs: the pool size, optional; 0 in struct config means sized from the ports. */
static void
test_load_mbufs(void)
{
	struct config *cfg;

	cfg = LOAD_OK(HEAD);
	CU_ASSERT_EQUAL(cfg->mbufs, 0);
	config_destroy(cfg);
	cfg = LOAD_OK(HEAD "mbufs: 65535\n");
	CU_ASSERT_EQUAL(cfg->mbufs, 65535);
	config_destroy(cfg);
	ASSERT_ERRORS(HEAD "mbufs: 100\n",
	    "gw.yaml:11:8: mbufs: 100 is out of range (1024..16777216)\n");
	ASSERT_ERRORS(HEAD "mbufs: lots\n", "gw.yaml:11:8: mbufs: expected an integer\n");
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
	CU_ASSERT_STRING_EQUAL(config_direction_name(CONFIG_DIR_OUTBOUND), "outbound");
	CU_ASSERT_STRING_EQUAL(config_direction_name(CONFIG_DIR_INBOUND), "inbound");
	CU_ASSERT_STRING_EQUAL(config_mode_name(CONFIG_MODE_TUNNEL), "tunnel");
	CU_ASSERT_STRING_EQUAL(config_mode_name(CONFIG_MODE_TRANSPORT), "transport");
	CU_ASSERT_STRING_EQUAL(config_policy_action_name(CONFIG_POLICY_PROTECT), "protect");
	CU_ASSERT_STRING_EQUAL(config_policy_action_name(CONFIG_POLICY_BYPASS), "bypass");
	CU_ASSERT_STRING_EQUAL(config_policy_action_name(CONFIG_POLICY_DISCARD), "discard");
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
	    "gw.yaml:11:1: color: unknown key 'color' (valid keys: instance, diagnostics, mbufs, interfaces, routes, neighbors, static_sas, policies, ike, connections, secrets)\n"
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

/* Static SAs */

/* Key text and the bytes it must give; none is all zeros. */
#define H16 "000102030405060708090a0b0c0d0e0f"
#define H4  "10111213"
#define K16 "0x" H16
#define K20 "0x" H16 H4
#define K32 "0x" H16 "f0e1d2c3b4a5968778695a4b3c2d1e0f"

/* A valid SA as a list item of 7 lines: the test adds keys after them. */
#define SA_ITEM(name, dir, spi)       \
	"  - name: " name "\n"        \
	"    direction: " dir "\n"    \
	"    spi: " spi "\n"          \
	"    local: 192.0.2.2\n"      \
	"    remote: 192.0.2.1\n"     \
	"    proposal: aes128gcm16\n" \
	"    encryption_key: " K20 "\n"

/* The rest of an SA on one line, after name, direction and spi. */
#define SA_REST \
	"local: 192.0.2.2, remote: 192.0.2.1, proposal: aes128gcm16, encryption_key: " K20 "}\n"

/* HEAD, then "static_sas:" on line 11 and one outbound SA on lines 12-18: a test adds from 19. */
#define SA_HEAD HEAD "static_sas:\n" SA_ITEM("out1", "outbound", "0x1001")

/* Decode hex independently of the loader and compare with what it stored. */
static void
assert_key(const uint8_t *got, size_t got_len, const char *hex, unsigned int line)
{
	uint8_t want[128];
	size_t i, n = strlen(hex) / 2;
	unsigned int b;
	bool ok = got_len == n && n <= sizeof(want);

	for (i = 0; ok && i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			ok = false;
		want[i] = (uint8_t)b;
	}
	ok = ok && memcmp(got, want, n) == 0;
	CU_assertImplementation(ok, line, "key bytes as written", __FILE__, "", CU_FALSE);
}

#define ASSERT_KEY(got, got_len, hex) assert_key(got, got_len, hex, __LINE__)

static void
test_sa_load_full(void)
{
	static const char yaml[] =
	    "instance: gw\n"
	    "interfaces:\n"
	    "  - name: outside\n"
	    "    port: net_af_packet0\n"
	    "    role: unprotected\n"
	    "    addresses: [192.0.2.2/24, 2001:db8:0:2::2/64]\n"
	    "  - name: inside\n"
	    "    port: net_af_packet1\n"
	    "    role: protected\n"
	    "    addresses: [203.0.113.1/24, 2001:db8:0:113::1/64]\n"
	    "static_sas:\n"
	    "  - name: gcm-out\n" /* ESP AES-GCM with NAT-T, ESN and lifetimes */
	    "    direction: outbound\n"
	    "    spi: 0x00001001\n"
	    "    protocol: esp\n"
	    "    mode: tunnel\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes128gcm16\n"
	    "    encryption_key: " K20 "\n"
	    "    esn: true\n"
	    "    encap: {type: udp, source_port: 4501, destination_port: 4502}\n"
	    "    lifetime: {soft_bytes: 1000000, hard_bytes: 0x10000000000, soft_packets: 90, hard_packets: 18446744073709551615}\n"
	    "  - name: GCM_in\n"
	    "    direction: inbound\n"
	    "    spi: 4294967295\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes256gcm16\n"
	    "    encryption_key: 0xFFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100A0B0C0D0\n"
	    "    replay_window: 4096\n"
	    "    encap: {type: udp}\n"
	    "  - name: cbc-out\n" /* ESP AES-CBC with HMAC-SHA-512 */
	    "    direction: outbound\n"
	    "    spi: 256\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes256-sha512\n"
	    "    encryption_key: " K32 "\n"
	    "    integrity_key: \"" K32 H16 H16 "\"\n"
	    "    replay_window: 64\n"
	    "  - name: ah-in\n" /* AH HMAC-SHA-256, transport mode, no anti-replay */
	    "    direction: inbound\n"
	    "    spi: 0x2002\n"
	    "    protocol: ah\n"
	    "    mode: transport\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: sha256\n"
	    "    integrity_key: " K32 "\n"
	    "    replay_window: 0\n"
	    "  - name: ah-gmac-in\n" /* AH AES-GMAC: key and salt in integrity_key */
	    "    direction: inbound\n"
	    "    spi: 0x2003\n"
	    "    protocol: ah\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes128gmac\n"
	    "    integrity_key: " K20 "\n"
	    "  - name: v6-out\n" /* IPv6 outer, ChaCha20-Poly1305 */
	    "    direction: outbound\n"
	    "    spi: 0x3001\n"
	    "    local: 2001:db8:0:2::2\n"
	    "    remote: 2001:db8:ffff::1\n"
	    "    proposal: chacha20poly1305\n"
	    "    encryption_key: " K32 H4 "\n"
	    "  - {name: cbc-in, direction: inbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha1, encryption_key: " K16 ", integrity_key: " K20 "}\n"
	    "  - {name: gmac-esp, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.9,\n"
	    "     proposal: aes128gmac, encryption_key: " K20 ", lifetime: ~, encap: ~}\n"
	    "policies:\n"
	    "  - name: lan-out\n"
	    "    direction: outbound\n"
	    "    source: 203.0.113.0/24\n"
	    "    destination: 198.51.100.0/24\n"
	    "    protocol: any\n"
	    "    source_ports: any\n"
	    "    destination_ports: any\n"
	    "    action: protect\n"
	    "    sa: gcm-out\n"
	    "  - {name: lan-in, direction: inbound, source: 198.51.100.0/24, destination: 203.0.113.0/24,\n"
	    "     action: protect, sa: GCM_in}\n"
	    "  - {name: ike, direction: inbound, source: 0.0.0.0/0, destination: 192.0.2.2/32,\n"
	    "     protocol: udp, source_ports: \"500\", destination_ports: 500, action: bypass}\n"
	    "  - {name: web, direction: outbound, source: 203.0.113.0/25, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, source_ports: 1024-65535, destination_ports: 443, action: protect,\n"
	    "     sa: cbc-out}\n"
	    "  - {name: gre, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/24,\n"
	    "     protocol: 47, action: discard}\n"
	    "  - {name: ah-host, direction: inbound, source: 192.0.2.1/32, destination: 192.0.2.2/32,\n"
	    "     action: protect, sa: ah-in}\n"
	    "  - {name: 4in6, direction: outbound, source: 203.0.113.128/25, destination: 10.0.0.0/8,\n"
	    "     action: protect, sa: v6-out}\n"
	    "  - {name: 6in4, direction: outbound, source: \"2001:db8:0:113::/64\", destination: \"::/0\",\n"
	    "     protocol: icmpv6, action: protect, sa: gcm-out}\n"
	    "  - {name: ping, direction: inbound, source: 0.0.0.0/0, destination: 0.0.0.0/0,\n"
	    "     protocol: icmp, action: discard}\n";
	const struct config_static_sa *sa;
	const struct config_policy *p;
	struct config *cfg;

	cfg = LOAD_OK(yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL_FATAL(cfg->n_static_sas, 8);

	sa = &cfg->static_sas[0];
	CU_ASSERT_STRING_EQUAL(sa->name, "gcm-out");
	CU_ASSERT_EQUAL(sa->direction, CONFIG_DIR_OUTBOUND);
	CU_ASSERT_EQUAL(sa->spi, 0x1001);
	CU_ASSERT_EQUAL(sa->protocol, ALG_PROTO_ESP);
	CU_ASSERT_EQUAL(sa->mode, CONFIG_MODE_TUNNEL);
	assert_addr(&sa->local, "192.0.2.2");
	assert_addr(&sa->remote, "192.0.2.1");
	CU_ASSERT_EQUAL(sa->interface, 0);
	CU_ASSERT_EQUAL(sa->prop.cipher, ALG_CIPHER_AES_GCM);
	CU_ASSERT_EQUAL(sa->prop.cipher_key_len, 16);
	CU_ASSERT_EQUAL(sa->prop.salt_len, 4);
	CU_ASSERT_EQUAL(sa->prop.icv_len, 16);
	CU_ASSERT_TRUE(sa->prop.aead);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len, H16 H4);
	CU_ASSERT_EQUAL(sa->integrity_key_len, 0);
	CU_ASSERT_EQUAL(sa->replay_window, 0);
	CU_ASSERT_TRUE(sa->esn);
	CU_ASSERT_TRUE(sa->encap);
	CU_ASSERT_EQUAL(sa->encap_source_port, 4501);
	CU_ASSERT_EQUAL(sa->encap_destination_port, 4502);
	CU_ASSERT_EQUAL(sa->lifetime.soft_bytes, 1000000);
	CU_ASSERT_EQUAL(sa->lifetime.hard_bytes, UINT64_C(0x10000000000));
	CU_ASSERT_EQUAL(sa->lifetime.soft_packets, 90);
	CU_ASSERT_EQUAL(sa->lifetime.hard_packets, UINT64_MAX);

	sa = &cfg->static_sas[1];
	CU_ASSERT_STRING_EQUAL(sa->name, "GCM_in");
	CU_ASSERT_EQUAL(sa->direction, CONFIG_DIR_INBOUND);
	CU_ASSERT_EQUAL(sa->spi, 0xffffffffu);
	CU_ASSERT_EQUAL(sa->prop.cipher_key_len, 32);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len,
	    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100a0b0c0d0");
	CU_ASSERT_EQUAL(sa->replay_window, 4096);
	CU_ASSERT_FALSE(sa->esn);
	CU_ASSERT_TRUE(sa->encap);
	CU_ASSERT_EQUAL(sa->encap_source_port, 4500);
	CU_ASSERT_EQUAL(sa->encap_destination_port, 4500);
	CU_ASSERT_EQUAL(sa->lifetime.hard_bytes, 0);

	sa = &cfg->static_sas[2];
	CU_ASSERT_EQUAL(sa->spi, 256);
	CU_ASSERT_EQUAL(sa->prop.cipher, ALG_CIPHER_AES_CBC);
	CU_ASSERT_EQUAL(sa->prop.auth, ALG_AUTH_HMAC_SHA512_256);
	CU_ASSERT_FALSE(sa->prop.aead);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len,
	    H16 "f0e1d2c3b4a5968778695a4b3c2d1e0f");
	ASSERT_KEY(sa->integrity_key, sa->integrity_key_len,
	    H16 "f0e1d2c3b4a5968778695a4b3c2d1e0f" H16 H16);
	CU_ASSERT_EQUAL(sa->replay_window, 0);
	CU_ASSERT_FALSE(sa->encap);

	sa = &cfg->static_sas[3];
	CU_ASSERT_EQUAL(sa->protocol, ALG_PROTO_AH);
	CU_ASSERT_EQUAL(sa->mode, CONFIG_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(sa->prop.cipher, ALG_CIPHER_NONE);
	CU_ASSERT_EQUAL(sa->prop.auth, ALG_AUTH_HMAC_SHA256_128);
	CU_ASSERT_EQUAL(sa->encryption_key_len, 0);
	ASSERT_KEY(sa->integrity_key, sa->integrity_key_len,
	    H16 "f0e1d2c3b4a5968778695a4b3c2d1e0f");
	CU_ASSERT_EQUAL(sa->replay_window, 0);

	sa = &cfg->static_sas[4];
	CU_ASSERT_EQUAL(sa->prop.auth, ALG_AUTH_AES_GMAC);
	CU_ASSERT_EQUAL(sa->prop.auth_key_len, 16);
	CU_ASSERT_EQUAL(sa->prop.salt_len, 4);
	CU_ASSERT_EQUAL(sa->encryption_key_len, 0);
	ASSERT_KEY(sa->integrity_key, sa->integrity_key_len, H16 H4);
	CU_ASSERT_EQUAL(sa->replay_window, CONFIG_REPLAY_WINDOW_DEFAULT);

	sa = &cfg->static_sas[5];
	assert_addr(&sa->local, "2001:db8:0:2::2");
	assert_addr(&sa->remote, "2001:db8:ffff::1");
	CU_ASSERT_EQUAL(sa->prop.cipher, ALG_CIPHER_CHACHA20_POLY1305);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len,
	    H16 "f0e1d2c3b4a5968778695a4b3c2d1e0f" H4);

	sa = &cfg->static_sas[6];
	CU_ASSERT_EQUAL(sa->spi, 0x1001); /* same SPI as gcm-out: the other direction */
	CU_ASSERT_EQUAL(sa->prop.auth, ALG_AUTH_HMAC_SHA1_96);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len, H16);
	ASSERT_KEY(sa->integrity_key, sa->integrity_key_len, H16 H4);

	sa = &cfg->static_sas[7];
	CU_ASSERT_EQUAL(sa->spi, 0x1001); /* outbound again, to another peer */
	CU_ASSERT_EQUAL(sa->prop.cipher, ALG_CIPHER_AES_GMAC);
	ASSERT_KEY(sa->encryption_key, sa->encryption_key_len, H16 H4);
	CU_ASSERT_FALSE(sa->encap);
	CU_ASSERT_EQUAL(sa->lifetime.soft_packets, 0);

	CU_ASSERT_EQUAL_FATAL(cfg->n_policies, 9);
	p = &cfg->policies[0];
	CU_ASSERT_STRING_EQUAL(p->name, "lan-out");
	CU_ASSERT_EQUAL(p->direction, CONFIG_DIR_OUTBOUND);
	assert_addr(&p->source.a, "203.0.113.0");
	CU_ASSERT_EQUAL(p->source.len, 24);
	assert_addr(&p->destination.a, "198.51.100.0");
	CU_ASSERT_EQUAL(p->destination.len, 24);
	CU_ASSERT_EQUAL(p->protocol, -1);
	CU_ASSERT_EQUAL(p->source_ports.first, 0);
	CU_ASSERT_EQUAL(p->source_ports.last, 65535);
	CU_ASSERT_EQUAL(p->destination_ports.first, 0);
	CU_ASSERT_EQUAL(p->destination_ports.last, 65535);
	CU_ASSERT_EQUAL(p->action, CONFIG_POLICY_PROTECT);
	CU_ASSERT_EQUAL(p->sa, 0);

	p = &cfg->policies[1];
	CU_ASSERT_EQUAL(p->direction, CONFIG_DIR_INBOUND);
	CU_ASSERT_EQUAL(p->sa, 1);

	p = &cfg->policies[2];
	CU_ASSERT_EQUAL(p->protocol, 17);
	CU_ASSERT_EQUAL(p->source_ports.first, 500);
	CU_ASSERT_EQUAL(p->source_ports.last, 500);
	CU_ASSERT_EQUAL(p->destination_ports.first, 500);
	CU_ASSERT_EQUAL(p->destination_ports.last, 500);
	CU_ASSERT_EQUAL(p->action, CONFIG_POLICY_BYPASS);
	CU_ASSERT_EQUAL(p->sa, -1);
	CU_ASSERT_EQUAL(p->destination.len, 32);

	p = &cfg->policies[3];
	CU_ASSERT_EQUAL(p->protocol, 6);
	CU_ASSERT_EQUAL(p->source_ports.first, 1024);
	CU_ASSERT_EQUAL(p->source_ports.last, 65535);
	CU_ASSERT_EQUAL(p->destination_ports.first, 443);
	CU_ASSERT_EQUAL(p->destination_ports.last, 443);
	CU_ASSERT_EQUAL(p->destination.len, 0);
	CU_ASSERT_EQUAL(p->sa, 2);

	p = &cfg->policies[4];
	CU_ASSERT_EQUAL(p->protocol, 47);
	CU_ASSERT_EQUAL(p->action, CONFIG_POLICY_DISCARD);
	CU_ASSERT_EQUAL(p->sa, -1);

	CU_ASSERT_EQUAL(cfg->policies[5].sa, 3);
	CU_ASSERT_EQUAL(cfg->policies[5].source.len, 32);

	p = &cfg->policies[6]; /* IPv4 inner, IPv6 outer */
	CU_ASSERT_EQUAL(p->source.a.family, 4);
	CU_ASSERT_EQUAL(p->sa, 5);
	CU_ASSERT_EQUAL(cfg->static_sas[p->sa].local.family, 6);

	p = &cfg->policies[7]; /* IPv6 inner, IPv4 outer */
	assert_addr(&p->source.a, "2001:db8:0:113::");
	CU_ASSERT_EQUAL(p->source.len, 64);
	assert_addr(&p->destination.a, "::");
	CU_ASSERT_EQUAL(p->destination.len, 0);
	CU_ASSERT_EQUAL(p->protocol, 58);
	CU_ASSERT_EQUAL(p->sa, 0);

	CU_ASSERT_EQUAL(cfg->policies[8].protocol, 1);
	config_destroy(cfg);
}

static void
test_sa_optional_empty(void)
{
	struct config *cfg;

	cfg = LOAD_OK(HEAD "static_sas: []\n"
	                   "policies:\n");
	CU_ASSERT_EQUAL(cfg->n_static_sas, 0);
	CU_ASSERT_PTR_NULL(cfg->static_sas);
	CU_ASSERT_EQUAL(cfg->n_policies, 0);
	CU_ASSERT_PTR_NULL(cfg->policies);
	config_destroy(cfg);

	/* An SA that no policy names is fine: inbound SAs are found by SPI. */
	cfg = LOAD_OK(SA_HEAD SA_ITEM("in1", "inbound", "0x2001"));
	CU_ASSERT_EQUAL(cfg->n_static_sas, 2);
	CU_ASSERT_EQUAL(cfg->static_sas[0].replay_window, 0);
	CU_ASSERT_EQUAL(cfg->static_sas[1].replay_window, CONFIG_REPLAY_WINDOW_DEFAULT);
	CU_ASSERT_EQUAL(cfg->static_sas[1].mode, CONFIG_MODE_TUNNEL);
	CU_ASSERT_EQUAL(cfg->static_sas[1].protocol, ALG_PROTO_ESP);
	CU_ASSERT_FALSE(cfg->static_sas[1].esn);
	CU_ASSERT_FALSE(cfg->static_sas[1].encap);
	config_destroy(cfg);
}

static void
test_sa_key_missing_list(void)
{
	ASSERT_ERRORS(HEAD "static_sas:\n"
	                   "  - {name: a, direction: inbound}\n",
	    "gw.yaml:12:5: static_sas[0].spi: required key is missing\n"
	    "gw.yaml:12:5: static_sas[0].local: required key is missing\n"
	    "gw.yaml:12:5: static_sas[0].remote: required key is missing\n"
	    "gw.yaml:12:5: static_sas[0].proposal: required key is missing\n");
	ASSERT_ERRORS(SA_HEAD "    replay_widow: 32\n"
	                      "    colour: red\n",
	    "gw.yaml:19:5: static_sas[0].replay_widow: unknown key 'replay_widow'; did you mean 'replay_window'?\n"
	    "gw.yaml:20:5: static_sas[0].colour: unknown key 'colour' (valid keys: name, direction, spi, protocol, mode, local, remote, proposal, encryption_key, integrity_key, replay_window, esn, encap, lifetime)\n");
	ASSERT_ERRORS(HEAD "static_sas: {name: a}\n",
	    "gw.yaml:11:13: static_sas: expected a list\n");
}

static void
test_sa_name_invalid(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: to branch, direction: outbound, spi: 0x1001, " SA_REST
	    "  - {name: a23456789012345678901234567890123, direction: inbound, spi: 0x1002, " SA_REST,
	    "gw.yaml:12:12: static_sas[0].name: 'to branch' is not a valid SA name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:13:12: static_sas[1].name: 'a23456789012345678901234567890123' is not a valid SA name (1..31 characters of A-Z a-z 0-9 _ -)\n");
}

static void
test_sa_name_duplicate(void)
{
	ASSERT_ERRORS(SA_HEAD "  - {name: in1, direction: inbound, spi: 0x2001, " SA_REST
	                      "  - {name: out1, direction: inbound, spi: 0x2002, " SA_REST,
	    "gw.yaml:20:12: static_sas[2].name: duplicate SA name 'out1' (also static_sas[0])\n");
}

static void
test_sa_enums(void)
{
	ASSERT_ERRORS(SA_HEAD "    protocol: esb\n"
	                      "    mode: tunel\n"
	                      "  - name: in1\n"
	                      "    direction: incoming\n"
	                      "    spi: 0x2001\n"
	                      "    local: 192.0.2.2\n"
	                      "    remote: 192.0.2.1\n"
	                      "    proposal: aes128gcm16\n"
	                      "    protocol: ESP\n",
	    "gw.yaml:19:15: static_sas[0].protocol: 'esb' is not a valid protocol (esp or ah)\n"
	    "gw.yaml:20:11: static_sas[0].mode: 'tunel' is not a valid mode (tunnel or transport)\n"
	    "gw.yaml:22:16: static_sas[1].direction: 'incoming' is not a valid direction (outbound or inbound)\n"
	    "gw.yaml:27:15: static_sas[1].protocol: 'ESP' is not a valid protocol (esp or ah)\n");
}

static void
test_sa_spi_range(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: inbound, spi: 0, " SA_REST
	    "  - {name: b, direction: inbound, spi: 255, " SA_REST
	    "  - {name: c, direction: inbound, spi: 0x100000000, " SA_REST
	    "  - {name: d, direction: inbound, spi: 99999999999999999999999, " SA_REST
	    "  - {name: e, direction: inbound, spi: \"4096\", " SA_REST
	    "  - {name: f, direction: inbound, spi: -1, " SA_REST,
	    "gw.yaml:12:40: static_sas[0].spi: 0 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n"
	    "gw.yaml:13:40: static_sas[1].spi: 255 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n"
	    "gw.yaml:14:40: static_sas[2].spi: 0x100000000 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n"
	    "gw.yaml:15:40: static_sas[3].spi: 99999999999999999999999 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n"
	    "gw.yaml:16:40: static_sas[4].spi: expected an integer\n"
	    "gw.yaml:17:40: static_sas[5].spi: -1 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n");
}

static void
test_sa_spi_duplicate(void)
{
	/* Inbound: same SPI and local address; outbound: same SPI and remote; protocol does not matter. */
	ASSERT_ERRORS(
	    SA_HEAD SA_ITEM("in1", "inbound",
	        "0x2001") "  - {name: in2, direction: inbound, spi: 8193, protocol: ah, local: 192.0.2.2, remote: 192.0.2.7,\n"
	                  "     proposal: sha1, integrity_key: " K20 "}\n"
	                  "  - {name: out2, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	                  "     proposal: aes128gcm16, encryption_key: " K20 "}\n"
	                  "  - {name: out3, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.8,\n"
	                  "     proposal: aes128gcm16, encryption_key: " K20 "}\n",
	    "gw.yaml:26:42: static_sas[2].spi: spi 0x00002001 is already used by static_sas[1] (inbound, local 192.0.2.2)\n"
	    "gw.yaml:28:44: static_sas[3].spi: spi 0x00001001 is already used by static_sas[0] (outbound, remote 192.0.2.1)\n");
}

static void
test_sa_local_not_ours(void)
{
	ASSERT_ERRORS(HEAD "static_sas:\n"
	                   "  - name: a\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1001\n"
	                   "    local: 192.0.2.9\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gcm16\n"
	                   "    encryption_key: " K20 "\n"
	                   "  - name: b\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1002\n"
	                   "    local: 192.0.2.2/24\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gcm16\n"
	                   "    encryption_key: " K20 "\n",
	    "gw.yaml:15:12: static_sas[0].local: local 192.0.2.9 is not one of this gateway's interface addresses\n"
	    "gw.yaml:22:12: static_sas[1].local: '192.0.2.2/24' is not an IPv4 or IPv6 address\n");
}

static void
test_sa_local_protected(void)
{
	struct config *cfg;

	ASSERT_ERRORS(HEAD "static_sas:\n"
	                   "  - name: a\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1001\n"
	                   "    local: 203.0.113.1\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gcm16\n"
	                   "    encryption_key: " K20 "\n",
	    "gw.yaml:15:12: static_sas[0].local: local 203.0.113.1 is on interfaces[1], which is protected: a tunnel-mode SA needs an address of an unprotected interface\n");
	/* Transport mode protects the gateway's own traffic: any of its addresses will do. */
	cfg = LOAD_OK(HEAD "static_sas:\n"
	                   "  - name: a\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1001\n"
	                   "    local: 203.0.113.1\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gcm16\n"
	                   "    encryption_key: " K20 "\n"
	                   "    mode: transport\n");
	CU_ASSERT_EQUAL(cfg->static_sas[0].interface, 1);
	config_destroy(cfg);
}

static void
test_sa_remote_invalid(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: \"2001:db8::1\",\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.2,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 203.0.113.1,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "  - {name: d, direction: outbound, spi: 0x1004, local: 192.0.2.2, remote: 224.0.0.5,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "  - {name: e, direction: outbound, spi: 0x1005, local: 192.0.2.2, remote: 0.0.0.0,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 "}\n",
	    "gw.yaml:12:75: static_sas[0].remote: remote 2001:db8::1 is IPv6 but local 192.0.2.2 is IPv4\n"
	    "gw.yaml:14:75: static_sas[1].remote: remote 192.0.2.2 is this gateway's own address (interfaces[0].addresses[0])\n"
	    "gw.yaml:16:75: static_sas[2].remote: remote 203.0.113.1 is this gateway's own address (interfaces[1].addresses[0])\n"
	    "gw.yaml:18:75: static_sas[3].remote: remote 224.0.0.5 is not a peer's address (unspecified, loopback, multicast or reserved)\n"
	    "gw.yaml:20:75: static_sas[4].remote: remote 0.0.0.0 is not a peer's address (unspecified, loopback, multicast or reserved)\n");
}

static void
test_sa_proposal_invalid(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128gcm17}\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     protocol: ah, proposal: aes128gcm16}\n"
	    "  - {name: d, direction: outbound, spi: 0x1004, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128gcm16-sha256}\n"
	    "  - {name: e, direction: outbound, spi: 0x1005, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: \"aes128\\tgcm16\"}\n",
	    "gw.yaml:13:16: static_sas[0].proposal: 'aes128gcm17' is not an ESP encryption algorithm (aes128, aes192, aes256, aes128ctr, ..., null, aes128gcm16, aes256gcm16, aes128gmac, chacha20poly1305, ...)\n"
	    "gw.yaml:15:16: static_sas[1].proposal: 'aes128' needs an integrity algorithm, e.g. 'aes128-sha256'\n"
	    "gw.yaml:17:30: static_sas[2].proposal: 'aes128gcm16' is not an AH integrity algorithm (sha1, sha256, sha384, sha512, aes128gmac, aes192gmac, aes256gmac)\n"
	    "gw.yaml:19:16: static_sas[3].proposal: 'aes128gcm16' is a combined-mode algorithm: nothing may follow it ('sha256')\n"
	    "gw.yaml:21:16: static_sas[4].proposal: 'aes128\\x09gcm16' is not a valid proposal (a strongSwan keyword such as aes128gcm16 or aes128-sha256)\n");
}

static void
test_sa_key_syntax(void)
{
	ASSERT_ERRORS(SA_HEAD
	    "  - name: in1\n"
	    "    direction: inbound\n"
	    "    spi: 0x2001\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes128-sha256\n"
	    "    encryption_key: " H16 "\n"
	    "    integrity_key: 0x" H16 "0g" H16 "\n"
	    "  - name: in2\n"
	    "    direction: inbound\n"
	    "    spi: 0x2002\n"
	    "    local: 192.0.2.2\n"
	    "    remote: 192.0.2.1\n"
	    "    proposal: aes128-sha256\n"
	    "    encryption_key: 0x" H16 "1\n"
	    "    integrity_key: [0x00]\n"
	    "  - {name: in3, direction: inbound, spi: 0x2003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha256, encryption_key: \"0x00:01\", integrity_key: ~}\n",
	    "gw.yaml:25:21: static_sas[1].encryption_key: expected a key in hex: 0x followed by two hex digits per byte\n"
	    "gw.yaml:26:20: static_sas[1].integrity_key: character 36 of the key is not a hex digit\n"
	    "gw.yaml:33:21: static_sas[2].encryption_key: odd number of hex digits (33): a key is whole bytes\n"
	    "gw.yaml:34:20: static_sas[2].integrity_key: expected a key in hex: 0x followed by two hex digits per byte\n"
	    "gw.yaml:36:47: static_sas[3].encryption_key: character 5 of the key is not a hex digit\n"
	    "gw.yaml:36:73: static_sas[3].integrity_key: expected a key in hex: 0x followed by two hex digits per byte\n");
}

static void
test_sa_key_length(void)
{
	ASSERT_ERRORS(HEAD "static_sas:\n"
	                   "  - name: a\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1001\n"
	                   "    local: 192.0.2.2\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gcm16\n"
	                   "    encryption_key: " K16 "\n"
	                   "  - name: b\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1002\n"
	                   "    local: 192.0.2.2\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128-sha256\n"
	                   "    encryption_key: " K20 "\n"
	                   "    integrity_key: " K20 "\n"
	                   "  - name: c\n"
	                   "    direction: outbound\n"
	                   "    spi: 0x1003\n"
	                   "    protocol: ah\n"
	                   "    local: 192.0.2.2\n"
	                   "    remote: 192.0.2.1\n"
	                   "    proposal: aes128gmac\n"
	                   "    integrity_key: 0x\n",
	    "gw.yaml:18:21: static_sas[0].encryption_key: aes128gcm16 needs a 20-byte encryption_key (16-byte key + 4-byte salt), got 16\n"
	    "gw.yaml:25:21: static_sas[1].encryption_key: aes128-sha256 needs a 16-byte encryption_key, got 20\n"
	    "gw.yaml:26:20: static_sas[1].integrity_key: aes128-sha256 needs a 32-byte integrity_key, got 20\n"
	    "gw.yaml:34:20: static_sas[2].integrity_key: aes128gmac needs a 20-byte integrity_key (16-byte key + 4-byte salt), got 0\n");
}

static void
test_sa_key_missing(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes256gcm16}\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha1, encryption_key: " K16 "}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     protocol: ah, proposal: sha512}\n",
	    "gw.yaml:12:5: static_sas[0].encryption_key: required key is missing: aes256gcm16 needs a 36-byte encryption_key (32-byte key + 4-byte salt)\n"
	    "gw.yaml:14:5: static_sas[1].integrity_key: required key is missing: aes128-sha1 needs a 20-byte integrity_key\n"
	    "gw.yaml:16:5: static_sas[2].integrity_key: required key is missing: sha512 needs a 64-byte integrity_key\n");
}

static void
test_sa_key_not_taken(void)
{
	ASSERT_ERRORS(SA_HEAD
	    "    integrity_key: " K32 "\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     protocol: ah, proposal: sha256, encryption_key: " K16 ", integrity_key: " K32
	    "}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: null-sha256, encryption_key: " K16 ", integrity_key: " K32 "}\n",
	    "gw.yaml:19:20: static_sas[0].integrity_key: aes128gcm16 takes no integrity_key (a combined-mode algorithm authenticates with its encryption_key)\n"
	    "gw.yaml:21:54: static_sas[1].encryption_key: sha256 takes no encryption_key (AH only authenticates)\n"
	    "gw.yaml:23:45: static_sas[2].encryption_key: null-sha256 takes no encryption_key (ENCR_NULL has no key)\n");
}

static void
test_sa_key_all_zero(void)
{
	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha256, encryption_key: 0x00000000000000000000000000000000,\n"
	    "     integrity_key: \"0X" H16 H16 "\"}\n",
	    "gw.yaml:13:47: static_sas[0].encryption_key: the key is all zeros\n");
}

/* No message may show key text: only lengths and positions. */
static void
test_sa_key_never_printed(void)
{
	static const char *const secrets[] = { "0123", "4567", "89ab", "cdef", "c0ffee", "beef" };
	static const char yaml[] = HEAD
	    "static_sas:\n"
	    "  - {name: a, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha256, encryption_key: 0x0123456789abcdef0123456789abcdef01,\n"
	    "     integrity_key: 0xc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebe}\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128-sha256, encryption_key: 0x0123456789abcdef0123456789abcdefx,\n"
	    "     integrity_key: 0xc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeebeefc0ffeeb}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128gcm16, encryption_key: 0123456789abcdef0123456789abcdef01234567,\n"
	    "     integrity_key: 0xc0ffeebeef}\n";
	struct config *cfg;
	char *got;
	size_t i;

	cfg = load(yaml, strlen(yaml), &got);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(got, "static_sas[2].integrity_key"));
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		CU_ASSERT_PTR_NULL(strstr(got, secrets[i]));
	config_destroy(cfg);
	free(got);
}

static void
test_sa_replay_window(void)
{
	struct config *cfg;

	ASSERT_ERRORS(SA_HEAD "    replay_window: 1024\n" SA_ITEM("in1", "inbound",
	                  "0x2001") "    replay_window: 4097\n",
	    "gw.yaml:19:20: static_sas[0].replay_window: replay_window applies to inbound SAs only (this SA is outbound)\n"
	    "gw.yaml:27:20: static_sas[1].replay_window: 4097 is out of range (0..4096)\n");
	/* The default may be written on an outbound SA: it says nothing. */
	cfg = LOAD_OK(SA_HEAD "    replay_window: 64\n");
	CU_ASSERT_EQUAL(cfg->static_sas[0].replay_window, 0);
	config_destroy(cfg);
}

static void
test_sa_esn_type(void)
{
	ASSERT_ERRORS(SA_HEAD "    esn: 1\n",
	    "gw.yaml:19:10: static_sas[0].esn: expected a boolean (true or false)\n");
}

static void
test_sa_encap_invalid(void)
{
	ASSERT_ERRORS(SA_HEAD
	    "    encap: {type: tcp, source_port: 0, destination_port: 65536}\n"
	    "  - {name: b, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     protocol: ah, proposal: sha256, integrity_key: " K32 ", encap: {type: udp}}\n"
	    "  - {name: c, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 ", encap: {source_port: 4500}}\n"
	    "  - {name: d, direction: outbound, spi: 0x1004, local: 192.0.2.2, remote: 192.0.2.1,\n"
	    "     proposal: aes128gcm16, encryption_key: " K20 ", encap: udp}\n",
	    "gw.yaml:19:19: static_sas[0].encap.type: 'tcp' is not a valid encapsulation type (udp)\n"
	    "gw.yaml:19:37: static_sas[0].encap.source_port: 0 is out of range (1..65535)\n"
	    "gw.yaml:19:58: static_sas[0].encap.destination_port: 65536 is out of range (1..65535)\n"
	    "gw.yaml:21:128: static_sas[1].encap: UDP encapsulation (RFC 3948) is for ESP only: AH cannot cross a NAT\n"
	    "gw.yaml:23:96: static_sas[2].encap.type: required key is missing\n"
	    "gw.yaml:25:96: static_sas[3].encap: expected a mapping\n");
}

static void
test_sa_lifetime_invalid(void)
{
	ASSERT_ERRORS(SA_HEAD
	    "    lifetime:\n"
	    "      soft_bytes: 2000\n"
	    "      hard_bytes: 1000\n"
	    "      soft_packets: -1\n"
	    "      hard_packets: 18446744073709551616\n"
	    "      hard_seconds: 3600\n" SA_ITEM("in1", "inbound",
	        "0x2001") "    lifetime: {soft_packets: 5, hard_packets: 4, soft_bytes: 1.5}\n",
	    "gw.yaml:20:19: static_sas[0].lifetime.soft_bytes: 2000 is more than hard_bytes (1000)\n"
	    "gw.yaml:22:21: static_sas[0].lifetime.soft_packets: -1 is out of range (0..18446744073709551615)\n"
	    "gw.yaml:23:21: static_sas[0].lifetime.hard_packets: 18446744073709551616 is out of range (0..18446744073709551615)\n"
	    "gw.yaml:24:7: static_sas[0].lifetime.hard_seconds: unknown key 'hard_seconds' (valid keys: soft_bytes, hard_bytes, soft_packets, hard_packets)\n"
	    "gw.yaml:32:30: static_sas[1].lifetime.soft_packets: 5 is more than hard_packets (4)\n"
	    "gw.yaml:32:62: static_sas[1].lifetime.soft_bytes: expected an integer\n");
}

/* Policies */

/* After SA_HEAD and one inbound SA (lines 19-25), "policies:" on line 26: a test adds from 27. */
#define POL_HEAD SA_HEAD SA_ITEM("in1", "inbound", "0x2001") "policies:\n"

static void
test_policy_name_invalid(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: lan out, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: discard}\n"
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: discard}\n"
	    "  - {name: a, direction: inbound, source: 0.0.0.0/0, destination: 203.0.113.0/24, action: discard}\n",
	    "gw.yaml:27:12: policies[0].name: 'lan out' is not a valid policy name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:29:12: policies[2].name: duplicate policy name 'a' (also policies[1])\n");
}

static void
test_policy_enums(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: a, direction: out, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: deny}\n"
	    "  - {name: b}\n",
	    "gw.yaml:27:26: policies[0].direction: 'out' is not a valid direction (outbound or inbound)\n"
	    "gw.yaml:27:87: policies[0].action: 'deny' is not a valid action (protect, bypass or discard)\n"
	    "gw.yaml:28:5: policies[1].direction: required key is missing\n"
	    "gw.yaml:28:5: policies[1].source: required key is missing\n"
	    "gw.yaml:28:5: policies[1].destination: required key is missing\n"
	    "gw.yaml:28:5: policies[1].action: required key is missing\n");
}

static void
test_policy_selectors_invalid(void)
{
	ASSERT_ERRORS(POL_HEAD "  - name: a\n"
	                       "    direction: outbound\n"
	                       "    source: 203.0.113.1/24\n"
	                       "    destination: 198.51.100.0\n"
	                       "    action: discard\n"
	                       "  - name: b\n"
	                       "    direction: outbound\n"
	                       "    source: 203.0.113.0/24\n"
	                       "    destination: 2001:db8::/32\n"
	                       "    action: discard\n",
	    "gw.yaml:29:13: policies[0].source: '203.0.113.1/24' has host bits set (network is 203.0.113.0/24)\n"
	    "gw.yaml:30:18: policies[0].destination: '198.51.100.0' needs a prefix length (ADDR/LEN)\n"
	    "gw.yaml:35:18: policies[1].destination: destination 2001:db8::/32 is IPv6 but source 203.0.113.0/24 is IPv4\n");
}

static void
test_policy_protocol_invalid(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - name: a\n"
	    "    direction: outbound\n"
	    "    source: 203.0.113.0/24\n"
	    "    destination: 0.0.0.0/0\n"
	    "    action: discard\n"
	    "    protocol: sctp\n"
	    "  - {name: b, direction: outbound, source: 0.0.0.0/0, destination: 0.0.0.0/0,\n"
	    "     action: discard, protocol: 256}\n"
	    "  - {name: c, direction: outbound, source: 0.0.0.0/0, destination: 0.0.0.0/0,\n"
	    "     action: discard, protocol: icmpv6}\n"
	    "  - {name: d, direction: outbound, source: \"::/0\", destination: \"::/0\",\n"
	    "     action: discard, protocol: 1}\n",
	    "gw.yaml:32:15: policies[0].protocol: 'sctp' is not a valid protocol (any, tcp, udp, icmp, icmpv6 or a number 0..255)\n"
	    "gw.yaml:34:33: policies[1].protocol: 256 is out of range (0..255)\n"
	    "gw.yaml:36:33: policies[2].protocol: icmpv6 does not go with IPv4 selectors (use icmp)\n"
	    "gw.yaml:38:33: policies[3].protocol: icmp does not go with IPv6 selectors (use icmpv6)\n");
}

static void
test_policy_ports_invalid(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - name: a\n"
	    "    direction: outbound\n"
	    "    source: 203.0.113.0/24\n"
	    "    destination: 0.0.0.0/0\n"
	    "    protocol: tcp\n"
	    "    source_ports: 0\n"
	    "    destination_ports: 2000-1000\n"
	    "    action: discard\n"
	    "  - name: b\n"
	    "    direction: outbound\n"
	    "    source: 203.0.113.0/24\n"
	    "    destination: 0.0.0.0/0\n"
	    "    protocol: udp\n"
	    "    source_ports: 1-65536\n"
	    "    destination_ports: http\n"
	    "    action: discard\n"
	    "  - name: c\n"
	    "    direction: outbound\n"
	    "    source: 203.0.113.0/24\n"
	    "    destination: 0.0.0.0/0\n"
	    "    protocol: icmp\n"
	    "    destination_ports: 80\n"
	    "    action: discard\n"
	    "  - {name: d, direction: outbound, source: 0.0.0.0/0, destination: 0.0.0.0/0,\n"
	    "     action: discard, source_ports: 53, destination_ports: [53]}\n",
	    "gw.yaml:32:19: policies[0].source_ports: '0' is out of range (1..65535; for every port write any)\n"
	    "gw.yaml:33:24: policies[0].destination_ports: port range '2000-1000' is reversed (the first port must not be above the last)\n"
	    "gw.yaml:40:19: policies[1].source_ports: '1-65536' is out of range (1..65535; for every port write any)\n"
	    "gw.yaml:41:24: policies[1].destination_ports: 'http' is not a port or port range (any, N or N-M with 1..65535)\n"
	    "gw.yaml:48:24: policies[2].destination_ports: ports need protocol tcp or udp (protocol is icmp)\n"
	    "gw.yaml:51:37: policies[3].source_ports: ports need protocol tcp or udp (protocol is any)\n"
	    "gw.yaml:51:60: policies[3].destination_ports: expected any, a port N or a range N-M\n");
}

static void
test_policy_sa_required(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect}\n",
	    "gw.yaml:27:5: policies[0].sa: required key is missing (action is protect)\n");
}

static void
test_policy_sa_forbidden(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: bypass, sa: out1}\n"
	    "  - {name: b, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: discard, sa: nowhere}\n",
	    "gw.yaml:27:104: policies[0].sa: only a protect policy names an SA (action is bypass)\n"
	    "gw.yaml:28:105: policies[1].sa: only a protect policy names an SA (action is discard)\n");
}

static void
test_policy_sa_undefined(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: otu1}\n"
	    "  - {name: b, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: to-branch}\n"
	    "  - {name: c, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: \"\"}\n",
	    "gw.yaml:27:105: policies[0].sa: sa 'otu1' is not defined in static_sas; did you mean 'out1'?\n"
	    "gw.yaml:28:105: policies[1].sa: sa 'to-branch' is not defined in static_sas\n"
	    "gw.yaml:29:105: policies[2].sa: sa '' is not defined in static_sas\n");
	/* Without any static_sas. */
	ASSERT_ERRORS(HEAD
	    "policies:\n"
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: out1}\n",
	    "gw.yaml:12:105: policies[0].sa: sa 'out1' is not defined in static_sas\n");
}

static void
test_policy_sa_direction(void)
{
	ASSERT_ERRORS(POL_HEAD
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: in1}\n"
	    "  - {name: b, direction: inbound, source: 0.0.0.0/0, destination: 203.0.113.0/24, action: protect, sa: out1}\n",
	    "gw.yaml:27:105: policies[0].sa: sa 'in1' is inbound but this policy is outbound\n"
	    "gw.yaml:28:104: policies[1].sa: sa 'out1' is outbound but this policy is inbound\n");
}

static void
test_policy_transport_selectors(void)
{
	struct config *cfg;

	ASSERT_ERRORS(HEAD
	    "static_sas:\n"
	    "  - {name: t-out, direction: outbound, spi: 0x1001, mode: transport, local: 192.0.2.2,\n"
	    "     remote: 192.0.2.1, proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "  - {name: t-in, direction: inbound, spi: 0x1001, mode: transport, local: 192.0.2.2,\n"
	    "     remote: 192.0.2.1, proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "policies:\n"
	    "  - {name: a, direction: outbound, source: 192.0.2.0/24, destination: 192.0.2.1/32, action: protect, sa: t-out}\n"
	    "  - {name: b, direction: inbound, source: 192.0.2.2/32, destination: 192.0.2.1/32, action: protect, sa: t-in}\n",
	    "gw.yaml:17:44: policies[0].source: sa 't-out' is in transport mode: source must be its local address 192.0.2.2/32, not 192.0.2.0/24\n"
	    "gw.yaml:18:43: policies[1].source: sa 't-in' is in transport mode: source must be its remote address 192.0.2.1/32, not 192.0.2.2/32\n"
	    "gw.yaml:18:70: policies[1].destination: sa 't-in' is in transport mode: destination must be its local address 192.0.2.2/32, not 192.0.2.1/32\n");
	cfg = LOAD_OK(HEAD
	    "static_sas:\n"
	    "  - {name: t-out, direction: outbound, spi: 0x1001, mode: transport, local: 192.0.2.2,\n"
	    "     remote: 192.0.2.1, proposal: aes128gcm16, encryption_key: " K20 "}\n"
	    "policies:\n"
	    "  - {name: a, direction: outbound, source: 192.0.2.2/32, destination: 192.0.2.1/32, protocol: tcp, action: protect, sa: t-out}\n");
	CU_ASSERT_EQUAL(cfg->policies[0].sa, 0);
	config_destroy(cfg);
}

static void
test_policy_errors_file_order(void)
{
	/* Policies before the SAs they name, errors of both sorted by position. */
	ASSERT_ERRORS(HEAD
	    "policies:\n"
	    "  - {name: a, direction: outbound, source: 203.0.113.0/24, destination: 0.0.0.0/0, action: protect, sa: out2}\n"
	    "static_sas:\n" SA_ITEM("out1", "outbound", "0x10"),
	    "gw.yaml:12:105: policies[0].sa: sa 'out2' is not defined in static_sas; did you mean 'out1'?\n"
	    "gw.yaml:16:10: static_sas[0].spi: 0x10 is out of range (256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA)\n");
}

static void
test_sa_policy_too_many(void)
{
	size_t size = 512 << 10, y;
	char *yaml, want[512];
	int i;

	yaml = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	y = (size_t)snprintf(yaml, size, "%s", HEAD "static_sas:\n");
	for (i = 0; i <= CONFIG_STATIC_SAS_MAX && y < size; i++)
		y += (size_t)snprintf(yaml + y, size - y,
		    "  - {name: s%d, direction: inbound, spi: %d, local: 192.0.2.2, remote: 192.0.2.1, proposal: aes128gcm16, encryption_key: " K20
		    "}\n",
		    i, 256 + i);
	if (y < size)
		y += (size_t)snprintf(yaml + y, size - y, "policies:\n");
	for (i = 0; i <= CONFIG_POLICIES_MAX && y < size; i++)
		y += (size_t)snprintf(yaml + y, size - y, "  - {name: p%d, %s}\n", i,
		    "direction: inbound, source: 0.0.0.0/0, destination: 0.0.0.0/0, action: discard");
	CU_ASSERT_FATAL(y < size);
	snprintf(want, sizeof(want),
	    "gw.yaml:%d:5: static_sas[1024]: too many static SAs (at most 1024)\n"
	    "gw.yaml:%d:5: policies[1024]: too many policies (at most 1024)\n",
	    12 + CONFIG_STATIC_SAS_MAX, 12 + CONFIG_STATIC_SAS_MAX + 2 + CONFIG_POLICIES_MAX);
	ASSERT_ERRORS(yaml, want);
	free(yaml);
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
		T(test_load_mbufs),
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
		T(test_sa_load_full),
		T(test_sa_optional_empty),
		T(test_sa_key_missing_list),
		T(test_sa_name_invalid),
		T(test_sa_name_duplicate),
		T(test_sa_enums),
		T(test_sa_spi_range),
		T(test_sa_spi_duplicate),
		T(test_sa_local_not_ours),
		T(test_sa_local_protected),
		T(test_sa_remote_invalid),
		T(test_sa_proposal_invalid),
		T(test_sa_key_syntax),
		T(test_sa_key_length),
		T(test_sa_key_missing),
		T(test_sa_key_not_taken),
		T(test_sa_key_all_zero),
		T(test_sa_key_never_printed),
		T(test_sa_replay_window),
		T(test_sa_esn_type),
		T(test_sa_encap_invalid),
		T(test_sa_lifetime_invalid),
		T(test_policy_name_invalid),
		T(test_policy_enums),
		T(test_policy_selectors_invalid),
		T(test_policy_protocol_invalid),
		T(test_policy_ports_invalid),
		T(test_policy_sa_required),
		T(test_policy_sa_forbidden),
		T(test_policy_sa_undefined),
		T(test_policy_sa_direction),
		T(test_policy_transport_selectors),
		T(test_policy_errors_file_order),
		T(test_sa_policy_too_many),
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
