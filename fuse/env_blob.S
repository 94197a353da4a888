/* The static env binary built from fuse/env/, embedded in casrootfs so that
 * /usr/bin/env is served from memory. ENV_BINARY is set by the Makefile. */
	.section .rodata
	.global casroot_env_start
	.global casroot_env_end
	.balign 16
casroot_env_start:
	.incbin ENV_BINARY
casroot_env_end:
	.section .note.GNU-stack, "", @progbits
