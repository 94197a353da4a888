/* Unit tests for the option handling of casroot's env (fuse/env/env_args.c). */
#include "unit.h"

#include "env_args.h"

static int parse(char **argv, struct env_plan *plan, const char **error)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return env_parse(argc, argv, plan, error);
}

static void plain_utility(void **state)
{
	char *argv[] = { "env", "ls", "-l", NULL };
	struct env_plan plan;
	const char *error;

	(void)state;
	assert_int_equal(parse(argv, &plan, &error), 0);
	assert_false(plan.clear);
	assert_int_equal(plan.n_assign, 0);
	assert_ptr_equal(plan.utility, &argv[1]);
	env_plan_free(&plan);
}

static void options_assignments_and_double_dash(void **state)
{
	char *argv[] = { "env", "-i", "-u", "HOME", "-uTERM", "--", "A=1", "B=x=y", "sh", "-c", "A=2", NULL };
	struct env_plan plan;
	const char *error;

	(void)state;
	assert_int_equal(parse(argv, &plan, &error), 0);
	assert_true(plan.clear);
	assert_int_equal(plan.n_unset, 2);
	assert_string_equal(plan.unset[0], "HOME");
	assert_string_equal(plan.unset[1], "TERM");
	assert_int_equal(plan.n_assign, 2);
	assert_string_equal(plan.assign[1], "B=x=y");
	assert_string_equal(plan.utility[0], "sh");
	assert_string_equal(plan.utility[2], "A=2"); /* after the utility, words are its own */
	env_plan_free(&plan);
}

static void lone_dash_clears_and_no_utility_prints(void **state)
{
	char *argv[] = { "env", "-", "X=1", NULL };
	struct env_plan plan;
	const char *error;

	(void)state;
	assert_int_equal(parse(argv, &plan, &error), 0);
	assert_true(plan.clear);
	assert_null(plan.utility);
	env_plan_free(&plan);
}

static void rejects_bad_usage(void **state)
{
	char *unknown[] = { "env", "-x", "ls", NULL };
	char *no_name[] = { "env", "-u", NULL };
	char *bad_assign[] = { "env", "=1", "ls", NULL };
	struct env_plan plan;
	const char *error;

	(void)state;
	assert_int_equal(parse(unknown, &plan, &error), -1);
	assert_string_equal(error, "unknown option");
	env_plan_free(&plan);
	assert_int_equal(parse(no_name, &plan, &error), -1);
	assert_non_null(strstr(error, "NAME"));
	env_plan_free(&plan);
	assert_int_equal(parse(bad_assign, &plan, &error), -1);
	env_plan_free(&plan);
}

static void exec_statuses(void **state)
{
	(void)state;
	assert_int_equal(env_exec_status(ENOENT), ENV_EXIT_NOT_FOUND);
	assert_int_equal(env_exec_status(ENOTDIR), ENV_EXIT_NOT_FOUND);
	assert_int_equal(env_exec_status(EACCES), ENV_EXIT_CANNOT_RUN);
	assert_int_equal(env_exec_status(ENOEXEC), ENV_EXIT_CANNOT_RUN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_utility),
		cmocka_unit_test(options_assignments_and_double_dash),
		cmocka_unit_test(lone_dash_clears_and_no_utility_prints),
		cmocka_unit_test(rejects_bad_usage),
		cmocka_unit_test(exec_statuses),
	};
	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
