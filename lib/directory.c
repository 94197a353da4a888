/* Strict REAPI Directory decoding. The REAPI requires Directory messages to be
 * canonical so that equal trees have equal digests; casroot refuses any that
 * is not, naming the child and the rule. */
#include <casroot/directory.h>
#include <casroot/util.h>

#include <string.h>

void directory_free(Reapi__Directory *d)
{
	if (d)
		reapi__directory__free_unpacked(d, NULL);
}

void directory_freep(Reapi__Directory **d)
{
	directory_free(*d);
}

int directory_check_name(const char *name, struct reason *why)
{
	if (name[0] == '\0') {
		reason_set(why, "a child has an empty name");
		return -EINVAL;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		reason_set(why, "a child is named \"%s\"", name);
		return -EINVAL;
	}
	if (strchr(name, '/')) {
		reason_set(why, "child name \"%s\" contains '/'", name);
		return -EINVAL;
	}
	return 0;
}

int digest_from_message(const Reapi__Digest *m, enum digest_fn fn, struct digest *ret, struct reason *why)
{
	int r;

	if (!m) {
		reason_set(why, "digest is missing");
		return -EINVAL;
	}
	r = digest_check_hash(m->hash, fn, why);
	if (r < 0)
		return r;
	if (m->size_bytes < 0) {
		reason_set(why, "digest size %lld is negative", (long long)m->size_bytes);
		return -EINVAL;
	}
	ret->fn = fn;
	ret->size = m->size_bytes;
	strcpy(ret->hash, m->hash);
	return 0;
}

void digest_to_message(const struct digest *d, Reapi__Digest *m)
{
	reapi__digest__init(m);
	m->hash = (char *)d->hash;
	m->size_bytes = d->size;
}

static int check_child_digest(const char *kind, const char *name, const Reapi__Digest *m, enum digest_fn fn,
			      struct reason *why)
{
	struct digest d;
	struct reason inner;
	int r = digest_from_message(m, fn, &d, &inner);

	if (r < 0)
		reason_set(why, "%s \"%s\": %s", kind, name, inner.text);
	return r;
}

static int check_properties(const char *name, const Reapi__NodeProperties *p, struct reason *why)
{
	if (!p)
		return 0;
	for (size_t i = 1; i < p->n_properties; i++) {
		if (strcmp(p->properties[i - 1]->name, p->properties[i]->name) >= 0) {
			reason_set(why, "node properties of \"%s\" are not sorted by name or repeat \"%s\"", name,
				   p->properties[i]->name);
			return -EINVAL;
		}
	}
	if (p->unix_mode && p->unix_mode->value > 07777) {
		reason_set(why, "\"%s\" has unix_mode %o with file-type bits", name, p->unix_mode->value);
		return -EINVAL;
	}
	return 0;
}

/* Checks one list's names: each valid, strictly increasing bytewise. */
static int check_names(const char *kind, const char *const *names, size_t n, struct reason *why)
{
	struct reason inner;

	for (size_t i = 0; i < n; i++) {
		if (directory_check_name(names[i], &inner) < 0) {
			reason_set(why, "%s: %s", kind, inner.text);
			return -EINVAL;
		}
		if (i > 0 && strcmp(names[i - 1], names[i]) >= 0) {
			reason_set(why, "%s are not sorted: \"%s\" %s \"%s\"", kind, names[i - 1],
				   strcmp(names[i - 1], names[i]) == 0 ? "repeats as" : "comes before", names[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Finds a name present in both sorted lists. */
static const char *common_name(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		int c = strcmp(a[i], b[j]);
		if (c == 0)
			return a[i];
		if (c < 0)
			i++;
		else
			j++;
	}
	return NULL;
}

struct name_lists {
	const char **files, **dirs, **links;
};

static void name_lists_free(struct name_lists *l)
{
	free(l->files);
	free(l->dirs);
	free(l->links);
}

static int collect_names(const Reapi__Directory *d, struct name_lists *l)
{
	l->files = malloc((d->n_files + 1) * sizeof(char *));
	l->dirs = malloc((d->n_directories + 1) * sizeof(char *));
	l->links = malloc((d->n_symlinks + 1) * sizeof(char *));
	if (!l->files || !l->dirs || !l->links)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_files; i++)
		l->files[i] = d->files[i]->name;
	for (size_t i = 0; i < d->n_directories; i++)
		l->dirs[i] = d->directories[i]->name;
	for (size_t i = 0; i < d->n_symlinks; i++)
		l->links[i] = d->symlinks[i]->name;
	return 0;
}

static int check_lists(const Reapi__Directory *d, struct reason *why)
{
	_cleanup_(name_lists_free) struct name_lists l = { 0 };
	const char *dup;
	int r = collect_names(d, &l);

	if (r < 0)
		return r;
	if ((r = check_names("files", l.files, d->n_files, why)) < 0 ||
	    (r = check_names("directories", l.dirs, d->n_directories, why)) < 0 ||
	    (r = check_names("symlinks", l.links, d->n_symlinks, why)) < 0)
		return r;
	dup = common_name(l.files, d->n_files, l.dirs, d->n_directories);
	if (!dup)
		dup = common_name(l.files, d->n_files, l.links, d->n_symlinks);
	if (!dup)
		dup = common_name(l.dirs, d->n_directories, l.links, d->n_symlinks);
	if (dup) {
		reason_set(why, "name \"%s\" appears in more than one list", dup);
		return -EINVAL;
	}
	return 0;
}

static int check_children(const Reapi__Directory *d, enum digest_fn fn, struct reason *why)
{
	int r;

	for (size_t i = 0; i < d->n_files; i++) {
		const Reapi__FileNode *f = d->files[i];
		if ((r = check_child_digest("file", f->name, f->digest, fn, why)) < 0 ||
		    (r = check_properties(f->name, f->node_properties, why)) < 0)
			return r;
	}
	for (size_t i = 0; i < d->n_directories; i++) {
		const Reapi__DirectoryNode *c = d->directories[i];
		if ((r = check_child_digest("directory", c->name, c->digest, fn, why)) < 0)
			return r;
	}
	for (size_t i = 0; i < d->n_symlinks; i++) {
		const Reapi__SymlinkNode *l = d->symlinks[i];
		if (l->target[0] == '\0') {
			reason_set(why, "symlink \"%s\" has an empty target", l->name);
			return -EINVAL;
		}
		if ((r = check_properties(l->name, l->node_properties, why)) < 0)
			return r;
	}
	return check_properties(".", d->node_properties, why);
}

int directory_validate(const Reapi__Directory *d, enum digest_fn fn, struct reason *why)
{
	int r = check_lists(d, why);

	if (r < 0)
		return r;
	return check_children(d, fn, why);
}

/* True if m or any message inside it carries fields this .proto does not know. */
static bool has_unknown_fields(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;

	if (m->n_unknown_fields > 0)
		return true;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];
		const char *base = (const char *)m;
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *)(base + f->offset);
			for (size_t j = 0; j < n; j++)
				if (has_unknown_fields(items[j]))
					return true;
		} else {
			const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)(base + f->offset);
			if (sub && has_unknown_fields(sub))
				return true;
		}
	}
	return false;
}

int message_encode(const ProtobufCMessage *m, uint8_t **ret_buf, size_t *ret_len)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return -ENOMEM;
	protobuf_c_message_pack(m, buf);
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

/* The REAPI's canonical-encoding rule: re-encoding gives the same bytes. This
 * also catches a NUL inside a name, which decoding would silently truncate. */
static int check_encoding(const Reapi__Directory *d, const uint8_t *buf, size_t len, struct reason *why)
{
	_cleanup_free_ uint8_t *again = NULL;
	size_t again_len;
	int r;

	if (has_unknown_fields(&d->base)) {
		reason_set(why, "has fields unknown to the Directory message");
		return -EINVAL;
	}
	r = message_encode(&d->base, &again, &again_len);
	if (r < 0)
		return r;
	if (again_len != len || memcmp(again, buf, len) != 0) {
		reason_set(why, "is not canonically encoded (field order, explicit defaults, or a NUL in a name)");
		return -EINVAL;
	}
	return 0;
}

int directory_decode(const uint8_t *buf, size_t len, enum digest_fn fn, Reapi__Directory **ret, struct reason *why)
{
	_cleanup_(directory_freep) Reapi__Directory *d = reapi__directory__unpack(NULL, len, buf);
	int r;

	if (!d) {
		reason_set(why, "is not a decodable Directory message");
		return -EINVAL;
	}
	r = check_encoding(d, buf, len, why);
	if (r < 0)
		return r;
	r = directory_validate(d, fn, why);
	if (r < 0)
		return r;
	*ret = take_ptr(&d);
	return 0;
}

int directory_load(struct store *s, const struct digest *d, Reapi__Directory **ret, struct reason *why)
{
	_cleanup_free_ uint8_t *buf = NULL;
	int r = store_read_blob(s, d, DIRECTORY_MAX_SIZE, true, &buf);

	if (r == 0)
		return directory_decode(buf, d->size, d->fn, ret, why);
	if (r == -EFBIG)
		reason_set(why, "larger than the %d MiB a Directory may be", DIRECTORY_MAX_SIZE >> 20);
	else
		reason_set(why, "%s", store_error_text(r));
	return r;
}
