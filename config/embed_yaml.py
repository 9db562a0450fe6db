#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Embed a YAML file into C as config_default_yaml[] (the default configuration).
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
with open(dst, 'w') as f:
    f.write('/* Generated from %s by embed_yaml.py: do not edit. */\n' % src.split('/')[-1])
    f.write('#include <stddef.h>\n#include "config/config.h"\n\n')
    f.write('const char config_default_yaml[] = {\n')
    for i in range(0, len(data), 12):
        f.write('\t' + ' '.join('0x%02x,' % b for b in data[i:i + 12]) + '\n')
    f.write('\t0x00\n};\n')
    f.write('const size_t config_default_yaml_len = %d;\n' % len(data))
