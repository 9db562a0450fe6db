/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/main.c: fastipsec start-up, the control core, and shutdown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>
#include <openssl/crypto.h>

#include "common/log.h"
#include "config/config.h"
#include "fastipsec_version.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "fastpath/worker.h"
#include "slowpath/ctl.h"
#include "slowpath/ike_ctl.h"
#include "slowpath/neigh_ctl.h"
#include "slowpath/sa_ike.h"
#include "slowpath/sa_push.h"
#include "slowpath/sa_static.h"
#include "slowpath/spd_ctl.h"
#include "slowpath/telemetry.h"

#define EAL_ARGS_MAX 128

struct opts {
	const char *config; /* NULL: the embedded default */
	bool diagnostics;
	int eal_argc;
	char *eal_argv[EAL_ARGS_MAX];
	char file_prefix[CONFIG_NAME_MAX + 16];
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: fastipsec [EAL options] -- [--config FILE] [--diagnostics]\n"
	    "       fastipsec --check-config FILE\n"
	    "       fastipsec --version\n"
	    "\n"
	    "  --config FILE     gateway configuration (YAML); default: the embedded demo config\n"
	    "  --diagnostics     start with IPsec diagnostics on\n"
	    "  --check-config F  validate F without starting DPDK: prints 'F: OK' or the errors\n"
	    "  --version         versions of fastipsec, DPDK, intel-ipsec-mb and OpenSSL\n"
	    "\n"
	    "EAL options are DPDK's own (-l, --vdev, --file-prefix, ...); without\n"
	    "--file-prefix the config's instance name is used.\n");
}

static int
print_version(void)
{
	printf("fastipsec %s\n", FASTIPSEC_VERSION);
	printf("%s\n", rte_version());
	printf("intel-ipsec-mb %s\n", crypto_mb_version());
	printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
	return 0;
}

static int
check_config(const char *path)
{
	struct config *cfg = config_load_file(path, stderr);

	if (cfg == NULL)
		return 1;
	printf("%s: OK\n", path);
	config_destroy(cfg);
	return 0;
}

/* Split argv at "--": EAL options before, ours after.  Returns 0, or the exit code. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int i, app = argc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			app = i;
			break;
		}
	}
	if (app - 1 + 3 > EAL_ARGS_MAX) {
		fprintf(stderr, "fastipsec: too many EAL arguments\n");
		return 2;
	}
	o->eal_argv[o->eal_argc++] = argv[0];
	for (i = 1; i < app; i++)
		o->eal_argv[o->eal_argc++] = argv[i];
	for (i = app + 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			o->config = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			o->config = argv[i] + 9;
		} else if (strcmp(argv[i], "--diagnostics") == 0) {
			o->diagnostics = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return -1;
		} else {
			fprintf(stderr, "fastipsec: %s: %s\n", argv[i],
			    strcmp(argv[i], "--config") == 0 ? "needs a FILE" : "unknown option");
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

static bool
has_file_prefix(const struct opts *o)
{
	int i;

	for (i = 1; i < o->eal_argc; i++) {
		if (strncmp(o->eal_argv[i], "--file-prefix", 13) == 0)
			return true;
	}
	return false;
}

static void
on_signal(int sig)
{
	(void)sig;
	ctl_quit = 1;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
run(struct opts *o, struct config *cfg)
{
	IMB_MGR *ctl_mb = NULL;
	char err[768];
	unsigned int i;
	int rc;

	if (!has_file_prefix(o)) {
		snprintf(o->file_prefix, sizeof(o->file_prefix), "--file-prefix=%s", cfg->instance);
		o->eal_argv[o->eal_argc++] = o->file_prefix;
	}
	o->eal_argv[o->eal_argc] = NULL;
	install_signals();
	if (rte_eal_init(o->eal_argc, o->eal_argv) < 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"EAL initialisation failed: %s\"",
		    rte_strerror(rte_errno));
		return 1;
	}
	log_set_lcore(rte_lcore_id());
	ctl_start_ns = ctl_now_ns();
	rc = port_setup(cfg, rte_lcore_count() - 1, err, sizeof(err));
	if (rc == 0)
		rc = worker_setup(err, sizeof(err));
	if (rc == 0 && (rc = neigh_ctl_init(cfg)) != 0)
		snprintf(err, sizeof(err), "neighbour table: %s", strerror(-rc));
	if (rc == 0)
		rc = route_table_create(cfg, err, sizeof(err));
	if (rc == 0)
		rc = spd_ctl_init(cfg, (int)rte_socket_id(), err, sizeof(err));
	if (rc != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"%s\"", err);
		goto out;
	}
	if ((rc = telemetry_init(cfg)) != 0) {
		log_err(LOG_FAC_SYSTEM, "%s: telemetry registration failed: %s", __func__,
		    strerror(-rc));
		goto out;
	}
	for (i = 0; i < worker_set.n; i++) {
		rte_eal_remote_launch(worker_main, worker_set.w[i], worker_set.w[i]->lcore);
		log_event(LOG_MSG_WORKER_START, NULL, "worker=%u lcore=%u rx_queues=%u crypto=%s",
		    i, worker_set.w[i]->lcore, worker_set.w[i]->n_rxq, crypto_mb_arch_name());
	}
	ctl_mb = crypto_mb_create((int)rte_socket_id());
	if (ctl_mb == NULL) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL,
		    "what=\"cannot create the control core's crypto manager\"");
		rc = -ENOMEM;
		goto stop;
	}
	if ((rc = sa_static_install(cfg, ctl_mb, err, sizeof(err))) != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"%s\"", err);
		goto stop;
	}
	if ((rc = sa_ike_init(cfg, ctl_mb)) != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"IKE SA installer: %s\"",
		    strerror(-rc));
		goto stop;
	}
	if ((rc = ike_ctl_init(cfg)) != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"IKE engine: %s\"", strerror(-rc));
		goto stop;
	}
	/* The SAs are in place on every worker before the first packet arrives. */
	if ((rc = sa_push_settle(SA_SETTLE_MS)) != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL,
		    "what=\"the workers did not take the static SAs within %u ms\"", SA_SETTLE_MS);
		goto stop;
	}
	if ((rc = port_start(err, sizeof(err))) != 0) {
		log_event(LOG_MSG_CONFIG_ERROR, NULL, "what=\"%s\"", err);
		goto stop;
	}
	for (i = 0; i < port_table.n; i++)
		log_event(LOG_MSG_PORT_UP, NULL,
		    "interface=%s port=%s role=%s rx_queues=%u tx_queues=%u control_tx=%s",
		    cfg->interfaces[i].name, cfg->interfaces[i].port,
		    config_role_name(cfg->interfaces[i].role), port_table.port[i].n_rxq,
		    port_table.port[i].n_txq, port_table.port[i].ctl_txq >= 0 ? "queue" : "ring");
	log_event(LOG_MSG_STARTED, NULL,
	    "version=%s instance=%s config=%s workers=%u ports=%u diagnostics=%s pid=%d",
	    FASTIPSEC_VERSION, cfg->instance, o->config ? o->config : "(embedded)", worker_set.n,
	    port_table.n, log_diagnostics() ? "on" : "off", (int)getpid());

	ike_ctl_start(ctl_now_ns());
	ctl_loop(cfg);

	log_event(LOG_MSG_STOPPING, NULL, "reason=signal");
stop:
	/* Deletes to the peers and child_down travel through the running workers. */
	ike_ctl_fini();
	worker_stop = true;
	rte_eal_mp_wait_lcore();
	sa_push_fini();
	sa_ike_fini();
	sa_static_fini();
	if (ctl_mb != NULL)
		crypto_mb_destroy(ctl_mb);
out:
	/* Everything that may hold mbufs first: the pool goes with the ports. */
	neigh_ctl_fini(); /* the packets waiting for a neighbour */
	worker_teardown();
	port_teardown();
	spd_ctl_fini();
	route_table_destroy();
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct config *cfg;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "--version") == 0)
		return print_version();
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--check-config") == 0) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		return check_config(argv[2]);
	}
	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(argc, argv, &o)) != 0)
		return rc < 0 ? 0 : rc;

	if (o.config != NULL)
		cfg = config_load_file(o.config, stderr);
	else
		cfg = config_load_buffer(config_default_yaml, config_default_yaml_len,
		    "(embedded demo.yaml)", stderr);
	if (cfg == NULL)
		return 1;
	log_set_stderr(true);
	if ((rc = log_open(cfg->instance, LOG_RING_SLOTS_DEFAULT)) != 0)
		fprintf(stderr, "fastipsec: cannot create the log ring of instance %s: %s\n",
		    cfg->instance, strerror(-rc));
	log_set_diagnostics(cfg->diagnostics || o.diagnostics);
	if (log_diagnostics())
		log_event(LOG_MSG_DIAG_ON, NULL, "source=%s",
		    o.diagnostics ? "command_line" : "config");

	rc = run(&o, cfg);

	log_event(LOG_MSG_STOPPED, NULL, "exit=%d", rc);
	log_close();
	config_destroy(cfg);
	return rc;
}
