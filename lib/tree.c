/* Path resolution over stored Directory blobs. Children are found by binary
 * search, which the canonical (sorted) form of a Directory makes valid. */
#include <casroot/tree.h>
#include <casroot/util.h>

#include <stdio.h>
#include <string.h>

void tree_node_clear(struct tree_node *n)
{
	free(n->target);
	n->target = NULL;
}

#define FIND_SORTED(array, count, key)                               \
	({                                                           \
		size_t lo_ = 0, hi_ = (count);                       \
		ssize_t found_ = -1;                                 \
		while (lo_ < hi_) {                                  \
			size_t mid_ = (lo_ + hi_) / 2;               \
			int c_ = strcmp((array)[mid_]->name, (key)); \
			if (c_ == 0) {                               \
				found_ = mid_;                       \
				break;                               \
			}                                            \
			if (c_ < 0)                                  \
				lo_ = mid_ + 1;                      \
			else                                         \
				hi_ = mid_;                          \
		}                                                    \
		found_;                                              \
	})

int tree_child(const Reapi__Directory *d, const char *name, enum digest_fn fn, struct tree_node *ret)
{
	struct reason why;
	ssize_t i;

	*ret = (struct tree_node){ 0 };
	if ((i = FIND_SORTED(d->files, d->n_files, name)) >= 0) {
		ret->kind = TREE_FILE;
		ret->executable = d->files[i]->is_executable;
		ret->props = d->files[i]->node_properties;
		return digest_from_message(d->files[i]->digest, fn, &ret->digest, &why);
	}
	if ((i = FIND_SORTED(d->directories, d->n_directories, name)) >= 0) {
		ret->kind = TREE_DIRECTORY;
		return digest_from_message(d->directories[i]->digest, fn, &ret->digest, &why);
	}
	if ((i = FIND_SORTED(d->symlinks, d->n_symlinks, name)) >= 0) {
		ret->kind = TREE_SYMLINK;
		ret->props = d->symlinks[i]->node_properties;
		ret->target = strdup(d->symlinks[i]->target);
		return ret->target ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* Steps from directory *cur into its child name. */
static int step(struct store *s, struct tree_node *cur, const char *name, const char *walked, struct reason *why)
{
	_cleanup_(directory_freep) Reapi__Directory *d = NULL;
	char digest_text[DIGEST_STR_MAX];
	struct reason inner;
	struct tree_node next;
	int r;

	if (cur->kind != TREE_DIRECTORY) {
		reason_set(why, "%s: not a directory", walked);
		return -ENOTDIR;
	}
	r = directory_load(s, &cur->digest, &d, &inner);
	if (r < 0) {
		reason_set(why, "Directory %s (%s): %s", digest_format(&cur->digest, digest_text),
			   walked[0] ? walked : "/", inner.text);
		return r;
	}
	r = tree_child(d, name, cur->digest.fn, &next);
	if (r < 0) {
		reason_set(why, "%s%s%s: no such entry", walked, walked[0] ? "/" : "", name);
		return r;
	}
	tree_node_clear(cur);
	*cur = next;
	return 0;
}

int tree_resolve(struct store *s, const struct digest *root, const char *path, struct tree_node *ret,
		 struct reason *why)
{
	struct tree_node cur = { .kind = TREE_DIRECTORY, .digest = *root };
	char walked[PATH_MAX] = "";
	_cleanup_free_ char *copy = strdup(path);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *name = strtok_r(copy, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		int r = step(s, &cur, name, walked, why);
		if (r == 0 && strlen(walked) + strlen(name) + 2 >= sizeof(walked)) {
			reason_set(why, "%s: path too long", path);
			r = -ENAMETOOLONG;
		}
		if (r < 0) {
			tree_node_clear(&cur);
			return r;
		}
		if (walked[0])
			strcat(walked, "/");
		strcat(walked, name);
	}
	cur.props = NULL;
	*ret = cur;
	return 0;
}
