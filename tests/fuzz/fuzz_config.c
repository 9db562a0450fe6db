/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_config.c: libFuzzer target for the YAML configuration loader. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct config *cfg;
	char addr[64];

	/* Errors are formatted in full but thrown away. */
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	cfg = config_load_buffer((const char *)data, size, "fuzz.yaml", devnull);
	if (cfg != NULL && cfg->n_interfaces > 0 && cfg->interfaces[0].n_addresses > 0)
		config_addr_format(&cfg->interfaces[0].addresses[0].a, addr, sizeof(addr));
	config_destroy(cfg);
	return 0;
}
