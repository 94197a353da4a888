/* The seed's action: lists /proc/self, one name a line, on stdout and into
 * bazel-out/k8-fastbuild/bin/out below the working directory. Built static,
 * so it runs in any root. Fails the way the seed did when /proc is missing. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int make_parents(void)
{
	static const char *const dirs[] = { "bazel-out", "bazel-out/k8-fastbuild", "bazel-out/k8-fastbuild/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST)
			return -1;
	return 0;
}

int main(void)
{
	char *names[4096];
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self");
	FILE *out;

	if (!d) {
		fprintf(stderr, "ls-proc: open /proc/self: %s\n", strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0]))
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare);
	if (make_parents() < 0 || !(out = fopen("bazel-out/k8-fastbuild/bin/out", "w"))) {
		fprintf(stderr, "ls-proc: write bazel-out/k8-fastbuild/bin/out: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		fprintf(out, "%s\n", names[i]);
	}
	return fclose(out) == 0 && fflush(stdout) == 0 ? 0 : 1;
}
