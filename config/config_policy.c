/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_policy.c: checks policies, the SPD entries (RFC 4301 section 4.4.1). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_validate.h"

static const struct key_spec policy_keys[] = {
	{ "name", true },
	{ "direction", true },
	{ "source", true },
	{ "destination", true },
	{ "protocol", false },
	{ "source_ports", false },
	{ "destination_ports", false },
	{ "action", true },
	{ "sa", false },
};
enum {
	POLICY_NAME,
	POLICY_DIRECTION,
	POLICY_SOURCE,
	POLICY_DESTINATION,
	POLICY_PROTOCOL,
	POLICY_SOURCE_PORTS,
	POLICY_DESTINATION_PORTS,
	POLICY_ACTION,
	POLICY_SA,
	POLICY__MAX
};

/* Indexed by enum config_policy_action, NULL-terminated for config_want_enum(). */
static const char *const action_names[] = { "protect", "bypass", "discard", NULL };

_Static_assert(POLICY__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(CONFIG_POLICY_DISCARD == 2, "name tables out of step");

/* any, a keyword or 0..255; -1 for any.  False after an error. */
static bool
want_protocol(struct validate *v, const struct config_node *n, const char *path, int *proto)
{
	static const struct {
		const char *name;
		int number;
	} kw[] = { { "any", -1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 } };
	char q[QUOTE_LEN];
	long l;
	size_t i;

	if (n->kind == CONFIG_NODE_SCALAR && n->plain && config_scalar_type(n) == SCALAR_INT) {
		if (!config_want_int(v, n, path, 0, UINT8_MAX, &l))
			return false;
		*proto = (int)l;
		return true;
	}
	if (!config_want_string(v, n, path))
		return false;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (config_text_is(n, kw[i].name)) {
			*proto = kw[i].number;
			return true;
		}
	}
	config_error_add(v->errs, n, path,
	    "'%s' is not a valid protocol (any, tcp, udp, icmp, icmpv6 or a number 0..255)",
	    config_quote(q, sizeof(q), n->text, n->len));
	return false;
}

static const char *
protocol_text(char *buf, size_t size, int proto)
{
	switch (proto) {
	case -1:
		return "any";
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	}
	snprintf(buf, size, "%d", proto);
	return buf;
}

/* Up to 5 decimal digits into *port; false if not digits or too long. */
static bool
port_number(const char *s, size_t len, unsigned long *port)
{
	size_t i;

	if (len > 5 || !config_is_digits(s, len, false))
		return false;
	*port = 0;
	for (i = 0; i < len; i++)
		*port = *port * 10 + config_hex_value(s[i]);
	return true;
}

/*
 * any, N or N-M with 1 <= N <= M <= 65535: a number or a string, so the
 * text is read whatever its quoting.  Port 0 is no port a packet of
 * interest carries; any covers it.
 */
static bool
want_ports(struct validate *v, const struct config_node *n, const char *path,
    struct config_port_range *r)
{
	unsigned long lo = 0, hi = 0;
	char q[QUOTE_LEN];
	const char *dash;
	size_t l1;

	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR) {
		config_error_add(v->errs, n, path, "expected any, a port N or a range N-M");
		return false;
	}
	if (config_text_is(n, "any"))
		return true;
	config_quote(q, sizeof(q), n->text, n->len);
	dash = memchr(n->text, '-', n->len);
	l1 = dash != NULL ? (size_t)(dash - n->text) : n->len;
	if (!port_number(n->text, l1, &lo) ||
	    (dash != NULL && !port_number(dash + 1, n->len - l1 - 1, &hi))) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a port or port range (any, N or N-M with 1..65535)", q);
		return false;
	}
	if (dash == NULL)
		hi = lo;
	if (lo == 0 || hi == 0 || lo > UINT16_MAX || hi > UINT16_MAX) {
		config_error_add(v->errs, n, path,
		    "'%s' is out of range (1..65535; for every port write any)", q);
		return false;
	}
	if (lo > hi) {
		config_error_add(v->errs, n, path,
		    "port range '%s' is reversed (the first port must not be above the last)", q);
		return false;
	}
	r->first = (uint16_t)lo;
	r->last = (uint16_t)hi;
	return true;
}

/* The nodes of a policy's valid selectors (NULL: not valid), for the SA checks. */
struct policy_sel {
	const struct config_node *source;
	const struct config_node *destination;
	bool direction;
	bool action;
};

/* A transport-mode SA carries its endpoints' own traffic: the selectors must be those hosts. */
static void
transport_check(struct validate *v, const struct config_policy *p, const struct policy_sel *sel,
    const struct config_static_sa *sa, const char *base)
{
	const struct config_addr *want[2];
	const struct config_prefix *got[2] = { &p->source, &p->destination };
	const struct config_node *node[2] = { sel->source, sel->destination };
	static const char *const keys[2] = { "source", "destination" };
	char path[PATH_LEN], ws[INET6_ADDRSTRLEN], gs[PREFIX_LEN];
	bool out = p->direction == CONFIG_DIR_OUTBOUND;
	unsigned int k;

	want[0] = out ? &sa->local : &sa->remote;
	want[1] = out ? &sa->remote : &sa->local;
	for (k = 0; k < 2; k++) {
		if (node[k] == NULL ||
		    (got[k]->len == config_addr_bytes(want[k]) * 8 &&
		        config_addr_equal(&got[k]->a, want[k])))
			continue;
		config_error_add(v->errs, node[k],
		    config_path_key(path, sizeof(path), base, keys[k]),
		    "sa '%s' is in transport mode: %s must be its %s address %s/%zu, not %s",
		    sa->name, keys[k], want[k] == &sa->local ? "local" : "remote",
		    config_addr_format(want[k], ws, sizeof(ws)), config_addr_bytes(want[k]) * 8,
		    config_prefix_format(got[k], gs, sizeof(gs)));
	}
}

static void
undefined_sa(struct validate *v, const struct config_node *n, const char *path)
{
	const struct config_static_sa *sas = v->cfg->static_sas;
	size_t i, d, best = SIZE_MAX, best_i = 0;
	char q[QUOTE_LEN];

	config_quote(q, sizeof(q), n->text, n->len);
	/* Past CONFIG_ERRORS_MAX of these, later ones are never shown: skip the search. */
	if (v->n_undefined_sa++ < CONFIG_ERRORS_MAX && n->len <= SUGGEST_LEN) {
		for (i = 0; i < v->cfg->n_static_sas; i++) {
			if (v->sa_seen[i].name == NULL)
				continue;
			d = config_edit_distance(n->text, n->len, sas[i].name, strlen(sas[i].name));
			if (d < best) {
				best = d;
				best_i = i;
			}
		}
	}
	if (best != SIZE_MAX && config_is_close(best, n->len, strlen(sas[best_i].name)))
		config_error_add(v->errs, n, path,
		    "sa '%s' is not defined in static_sas; did you mean '%s'?", q,
		    sas[best_i].name);
	else
		config_error_add(v->errs, n, path, "sa '%s' is not defined in static_sas", q);
}

/* sa: required for protect, forbidden otherwise; a static SA of the policy's direction. */
static void
policy_sa(struct validate *v, struct config_policy *p, const struct policy_sel *sel,
    const struct config_node *map, const struct config_node *n, const char *base)
{
	const struct config_static_sa *sa;
	char path[PATH_LEN];
	unsigned int i;

	config_path_key(path, sizeof(path), base, "sa");
	if (sel->action && p->action != CONFIG_POLICY_PROTECT) {
		if (n != NULL)
			config_error_add(v->errs, n, path,
			    "only a protect policy names an SA (action is %s)",
			    config_policy_action_name(p->action));
		return;
	}
	if (n == NULL) {
		if (sel->action)
			config_error_add(v->errs, map, path,
			    "required key is missing (action is protect)");
		return;
	}
	if (!config_want_string(v, n, path))
		return;
	for (i = 0; i < v->cfg->n_static_sas; i++)
		if (v->sa_seen[i].name != NULL && config_text_is(n, v->cfg->static_sas[i].name))
			break;
	if (i == v->cfg->n_static_sas) {
		undefined_sa(v, n, path);
		return;
	}
	p->sa = (int)i;
	sa = &v->cfg->static_sas[i];
	if (sel->direction && v->sa_seen[i].direction && sa->direction != p->direction)
		config_error_add(v->errs, n, path, "sa '%s' is %s but this policy is %s", sa->name,
		    config_direction_name(sa->direction), config_direction_name(p->direction));
	else if (sel->direction && v->sa_seen[i].mode && sa->mode == CONFIG_MODE_TRANSPORT &&
	    v->sa_seen[i].local && v->sa_seen[i].remote)
		transport_check(v, p, sel, sa, base);
}

/* Ports only for tcp and udp; icmp and icmpv6 each with their own family. */
static void
policy_protocol(struct validate *v, struct config_policy *p, const struct policy_sel *sel,
    const struct config_node *const *val, const char *base)
{
	char path[PATH_LEN], ps[8];
	bool known;
	int family = 0;

	if (sel->source != NULL)
		family = p->source.a.family;
	else if (sel->destination != NULL)
		family = p->destination.a.family;
	known = true;
	if (val[POLICY_PROTOCOL] != NULL) {
		known = want_protocol(v, val[POLICY_PROTOCOL],
		    config_path_key(path, sizeof(path), base, "protocol"), &p->protocol);
		if (known &&
		    ((p->protocol == 1 && family == 6) || (p->protocol == 58 && family == 4)))
			config_error_add(v->errs, val[POLICY_PROTOCOL], path,
			    "%s does not go with IPv%d selectors (use %s)",
			    protocol_text(ps, sizeof(ps), p->protocol), family,
			    family == 6 ? "icmpv6" : "icmp");
	}
	if (val[POLICY_SOURCE_PORTS] != NULL &&
	    want_ports(v, val[POLICY_SOURCE_PORTS],
	        config_path_key(path, sizeof(path), base, "source_ports"), &p->source_ports) &&
	    known && !config_text_is(val[POLICY_SOURCE_PORTS], "any") && p->protocol != 6 &&
	    p->protocol != 17)
		config_error_add(v->errs, val[POLICY_SOURCE_PORTS], path,
		    "ports need protocol tcp or udp (protocol is %s)",
		    protocol_text(ps, sizeof(ps), p->protocol));
	if (val[POLICY_DESTINATION_PORTS] != NULL &&
	    want_ports(v, val[POLICY_DESTINATION_PORTS],
	        config_path_key(path, sizeof(path), base, "destination_ports"),
	        &p->destination_ports) &&
	    known && !config_text_is(val[POLICY_DESTINATION_PORTS], "any") && p->protocol != 6 &&
	    p->protocol != 17)
		config_error_add(v->errs, val[POLICY_DESTINATION_PORTS], path,
		    "ports need protocol tcp or udp (protocol is %s)",
		    protocol_text(ps, sizeof(ps), p->protocol));
}

/* Returns the name node if the name is valid, for the duplicate check. */
static const struct config_node *
do_policy(struct validate *v, struct config_policy *p, const struct config_node *n,
    const char *path)
{
	const struct config_node *val[POLICY__MAX], *name = NULL;
	struct policy_sel sel = { NULL, NULL, false, false };
	char kpath[PATH_LEN], ss[PREFIX_LEN], ds[PREFIX_LEN];
	int e;

	p->protocol = -1;
	p->source_ports = (struct config_port_range){ 0, UINT16_MAX };
	p->destination_ports = p->source_ports;
	p->sa = -1;
	p->child = -1;
	if (!config_map_scan(v, n, path, policy_keys, POLICY__MAX, val))
		return NULL;
	if (val[POLICY_NAME] != NULL)
		name = config_want_name(v, val[POLICY_NAME],
		    config_path_key(kpath, sizeof(kpath), path, "name"), "policy", p->name);
	if (val[POLICY_DIRECTION] != NULL &&
	    (e = config_want_enum(v, val[POLICY_DIRECTION],
	         config_path_key(kpath, sizeof(kpath), path, "direction"), "direction",
	         config_direction_names, "outbound or inbound")) >= 0) {
		p->direction = (enum config_direction)e;
		sel.direction = true;
	}
	if (val[POLICY_SOURCE] != NULL &&
	    config_want_network(v, val[POLICY_SOURCE],
	        config_path_key(kpath, sizeof(kpath), path, "source"), &p->source))
		sel.source = val[POLICY_SOURCE];
	if (val[POLICY_DESTINATION] != NULL &&
	    config_want_network(v, val[POLICY_DESTINATION],
	        config_path_key(kpath, sizeof(kpath), path, "destination"), &p->destination)) {
		sel.destination = val[POLICY_DESTINATION];
		if (sel.source != NULL && p->source.a.family != p->destination.a.family) {
			config_error_add(v->errs, sel.destination, kpath,
			    "destination %s is IPv%u but source %s is IPv%u",
			    config_prefix_format(&p->destination, ds, sizeof(ds)),
			    p->destination.a.family,
			    config_prefix_format(&p->source, ss, sizeof(ss)), p->source.a.family);
			sel.destination = NULL;
		}
	}
	policy_protocol(v, p, &sel, val, path);
	if (val[POLICY_ACTION] != NULL &&
	    (e = config_want_enum(v, val[POLICY_ACTION],
	         config_path_key(kpath, sizeof(kpath), path, "action"), "action", action_names,
	         "protect, bypass or discard")) >= 0) {
		p->action = (enum config_policy_action)e;
		sel.action = true;
	}
	policy_sa(v, p, &sel, n, val[POLICY_SA], path);
	return name;
}

void
config_policy_validate(struct validate *v, const struct config_node *n)
{
	const struct config_node **name = NULL;
	struct config_policy *ps;
	char path[PATH_LEN];
	size_t i, j, count;

	if (!config_want_list(v, n, "policies", true))
		return;
	count = n->n_kids < CONFIG_POLICIES_MAX ? n->n_kids : CONFIG_POLICIES_MAX;
	if (n->n_kids > CONFIG_POLICIES_MAX)
		config_error_add(v->errs, n->kids[CONFIG_POLICIES_MAX],
		    config_path_index(path, sizeof(path), "policies", CONFIG_POLICIES_MAX),
		    "too many policies (at most %d)", CONFIG_POLICIES_MAX);
	if (count == 0)
		return;
	ps = calloc(count, sizeof(*ps));
	name = calloc(count, sizeof(*name));
	v->cfg->policies = ps;
	if (ps == NULL || name == NULL) {
		config_error_add(v->errs, n, "policies", "out of memory");
		goto out;
	}
	v->cfg->n_policies = (unsigned int)count;
	for (i = 0; i < count; i++) {
		config_path_index(path, sizeof(path), "policies", i);
		name[i] = do_policy(v, &ps[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; name[i] != NULL && j < i; j++) {
			if (name[j] == NULL || strcmp(ps[i].name, ps[j].name) != 0)
				continue;
			snprintf(path, sizeof(path), "policies[%zu].name", i);
			config_error_add(v->errs, name[i], path,
			    "duplicate policy name '%s' (also policies[%zu])", ps[i].name, j);
			break;
		}
	}
out:
	free(name);
}
