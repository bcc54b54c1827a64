/**
 * One poll of an activation at a time (nodes/RingReadyTrigger/state.ts): the lease a poll holds
 * while it runs, a newer activation taking over, and a poll that never ends, on a virtual clock.
 */
import { acquirePollLease } from '../../nodes/RingReadyTrigger/state';

let now = Date.UTC(2026, 11, 3, 19, 0, 0);
beforeEach(() => {
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

describe('one poll of a trigger at a time', () => {
	it('a second poll of the same activation gets no lease while the first runs; another trigger does', () => {
		const activation = {};
		const first = acquirePollLease('workflow 1\nnode a', activation, now + 36_000)!;
		expect(first.holds()).toBe(true);
		expect(acquirePollLease('workflow 1\nnode a', activation, now + 36_000)).toBeUndefined();
		const other = acquirePollLease('workflow 2\nnode a', {}, now + 36_000);
		expect(other?.holds()).toBe(true);
		first.release();
		other!.release();
		const next = acquirePollLease('workflow 1\nnode a', activation, now + 36_000);
		expect(next?.holds()).toBe(true);
		next!.release();
	});

	it.each([
		['a minute past its deadline', 'workflow 3', 36_000, 36_000 + 60_000],
		['15 minutes without a deadline (n8n before 2.38)', 'workflow 4', undefined, 15 * 60_000],
	])(
		'a poll that never ends holds its activation for %s; then the next takes over and the old one no longer holds it',
		(_label, workflow, budgetMs, holdsMs) => {
			const [key, activation] = [`${workflow}\nnode a`, {}];
			const deadline = () => (budgetMs === undefined ? undefined : now + budgetMs);
			const hung = acquirePollLease(key, activation, deadline())!;
			now += holdsMs - 1;
			expect(acquirePollLease(key, activation, deadline())).toBeUndefined();
			now += 1;
			const next = acquirePollLease(key, activation, deadline())!;
			expect(next.holds()).toBe(true);
			expect(hung.holds()).toBe(false);
			hung.release();
			expect(next.holds()).toBe(true);
			next.release();
		},
	);
});
