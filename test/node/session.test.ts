import { RequestSession, RETRY_POLICY } from '../../nodes/RingReady/transport';

/** A session outside any run: only its retry arithmetic is used here. */
const sessionWith = (options: ConstructorParameters<typeof RequestSession>[1] = {}) =>
	new RequestSession({ getNode: () => ({ name: 'RingReady' }) } as never, options);

describe('the retry waits a run uses', () => {
	afterEach(() => {
		jest.restoreAllMocks();
		jest.useRealTimers();
	});

	it.each([0, 0.9999])(
		'after a 429 asking for 1 s the wait is 1 s to 1.25 s (random draw %s)',
		(draw) => {
			jest.spyOn(Math, 'random').mockReturnValue(draw);
			const waitMs = sessionWith().waitBeforeRetryMs(1_000, 1);
			expect(waitMs).toBeGreaterThanOrEqual(1_000);
			expect(waitMs).toBeLessThanOrEqual(1_250);
		},
	);

	it('a Retry-After longer than the cap on growing waits is still waited in full', () => {
		const waitMs = sessionWith({
			policy: { ...RETRY_POLICY, maxRetryAfterMs: 5_000 },
		}).waitBeforeRetryMs(20_000, 3);
		expect(waitMs).toBe(20_000);
	});

	it('the deadline bounds the retries, and no request starts in its last half second', () => {
		jest.useFakeTimers({ now: 1_000_000 });
		const session = sessionWith({ deadline: 1_000_000 + 10_000 });
		expect(session.timeLeftMs()).toBe(10_000);
		expect(session.retryEndFromNow()).toBe(1_000_000 + 10_000);
		expect(session.hasTimeForRequest()).toBe(true);
		jest.setSystemTime(1_000_000 + 9_600);
		expect(session.hasTimeForRequest()).toBe(false);
	});

	it('without a deadline, the retries end after the retry time', () => {
		jest.useFakeTimers({ now: 2_000_000 });
		const session = sessionWith({ policy: { ...RETRY_POLICY, maxRetryMs: 3_000 } });
		expect(session.timeLeftMs()).toBe(Number.POSITIVE_INFINITY);
		expect(session.retryEndFromNow()).toBe(2_003_000);
		expect(session.lastStartAt()).toBeUndefined();
	});
});
