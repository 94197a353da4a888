/* The subcommands of the casroot tool; each returns the process exit code. */
#ifndef CASROOT_CLI_COMMANDS_H
#define CASROOT_CLI_COMMANDS_H

int cmd_put(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_action(int argc, char **argv);

#endif
