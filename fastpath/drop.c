/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/drop.c: names of the drop reasons. */
#include "fastpath/drop.h"

static const char *const drop_names[DROP__MAX] = {
#define DROP_NAME(e, s) [e] = s,
	FOREACH_DROP_REASON(DROP_NAME)
#undef DROP_NAME
};

const char *
drop_reason_name(enum drop_reason why)
{
	return (unsigned int)why < DROP__MAX ? drop_names[why] : "unknown";
}
