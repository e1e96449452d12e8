#include "canon.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void canon_json(json_object *o, buf *out)
{
	switch (json_object_get_type(o)) {
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(o), k = 0;
		const char **keys = xcalloc(n + 1, sizeof(char *));
		json_object_object_foreach(o, key, val)
		{
			(void)val;
			keys[k++] = key;
		}
		qsort(keys, k, sizeof(char *), cmp_str);
		buf_addc(out, '{');
		for (size_t i = 0; i < k; i++) {
			json_object *ks = json_object_new_string(keys[i]), *v;
			if (i)
				buf_addc(out, ',');
			buf_adds(out, json_object_to_json_string_ext(ks, JSON_C_TO_STRING_PLAIN));
			json_object_put(ks);
			buf_addc(out, ':');
			json_object_object_get_ex(o, keys[i], &v);
			canon_json(v, out);
		}
		buf_addc(out, '}');
		free(keys);
		break;
	}
	case json_type_array:
		buf_addc(out, '[');
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			if (i)
				buf_addc(out, ',');
			canon_json(json_object_array_get_idx(o, i), out);
		}
		buf_addc(out, ']');
		break;
	case json_type_null:
		buf_adds(out, "null");
		break;
	default:
		buf_adds(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	}
}

