#include "clock.h"

#include "util.h"

struct clk {
	int fake;
	int64_t fake_ms;
	double t0;
	time_t wall0;
};

clk *clk_create(int fake, time_t start_wall)
{
	clk *c = xcalloc(1, sizeof(*c));
	c->fake = fake;
	c->t0 = util_now_ms();
	c->wall0 = start_wall ? start_wall : time(NULL);
	return c;
}

void clk_destroy(clk *c)
{
	free(c);
}

int clk_is_fake(const clk *c)
{
	return c->fake;
}

int64_t clk_ms(const clk *c)
{
	return c->fake ? c->fake_ms : (int64_t)(util_now_ms() - c->t0);
}

time_t clk_wall(const clk *c)
{
	return c->wall0 + (time_t)(clk_ms(c) / 1000);
}

int clk_advance(clk *c, int64_t ms)
{
	if (!c->fake || ms < 0)
		return -1;
	c->fake_ms += ms;
	return 0;
}
