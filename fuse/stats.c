/* JSON output of the casrootfs counters, through json-c. */
#include "stats.h"

#include <errno.h>
#include <json-c/json.h>

static const char *const request_names[REQ_COUNT] = {
	"lookup",    "forget",	 "getattr",	"setattr", "readlink",	  "mknod",	"mkdir",  "unlink",
	"rmdir",     "symlink",	 "rename",	"link",	   "open",	  "read",	"write",  "flush",
	"release",   "fsync",	 "opendir",	"readdir", "readdirplus", "releasedir", "statfs", "getxattr",
	"listxattr", "setxattr", "removexattr", "create",  "fallocate",
};

static void add_counter(json_object *o, const char *key, uint64_t value)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)value));
}

int stats_write(const struct fs_stats *s, const char *path)
{
	json_object *root = json_object_new_object();
	json_object *requests = json_object_new_object();
	int r = 0;

	if (!root || !requests)
		return -ENOMEM;
	for (int i = 0; i < REQ_COUNT; i++)
		add_counter(requests, request_names[i], s->requests[i]);
	json_object_object_add(root, "requests", requests);
	add_counter(root, "directories_loaded", s->directories_loaded);
	add_counter(root, "file_blobs_opened", s->file_blobs_opened);
	add_counter(root, "bytes_read", s->bytes_read);
	add_counter(root, "bytes_written", s->bytes_written);
	add_counter(root, "errors", s->errors);
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		r = errno ? -errno : -EIO;
	json_object_put(root);
	return r;
}
