/* I/O loops that retry short reads and writes and EINTR, and the UID:GID
 * argument every casroot program takes. */
#include <casroot/util.h>

#include <stdint.h>

int parse_ids(const char *text, uid_t *ret_uid, gid_t *ret_gid)
{
	char *end;
	unsigned long uid, gid;

	errno = 0;
	uid = strtoul(text, &end, 10);
	if (errno || end == text || *end != ':' || text[0] == '-')
		return -EINVAL;
	text = end + 1;
	gid = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || uid >= UINT32_MAX || gid >= UINT32_MAX)
		return -EINVAL;
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}
