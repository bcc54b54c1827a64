import { RequestThrottle } from '../../nodes/RingReady/transport/http';

describe('RequestThrottle', () => {
	it('never lets more than the ceiling run at once, and hands slots out in order', async () => {
		const throttle = new RequestThrottle(2);
		const order: string[] = [];
		await throttle.acquire();
		await throttle.acquire();
		const third = throttle.acquire().then(() => order.push('third'));
		const listPage = throttle.acquire(true).then(() => order.push('list page'));
		await Promise.resolve();
		expect(order).toEqual([]);
		throttle.release();
		await listPage;
		expect(order).toEqual(['list page']); // the list page jumped the queue
		throttle.release();
		await third;
		expect(order).toEqual(['list page', 'third']);
	});

	it('halves once per burst of 429s, however many requests were refused', () => {
		const throttle = new RequestThrottle(16);
		throttle.throttled(1_000);
		throttle.throttled(1_000);
		throttle.throttled(1_000);
		expect(throttle.currentCeiling).toBe(8);
	});

	it('climbs back after successes, but not to a ceiling that was just refused', () => {
		const throttle = new RequestThrottle(10);
		throttle.throttled(0); // refused at 10 → 5
		expect(throttle.currentCeiling).toBe(5);
		for (let i = 0; i < 500; i++) throttle.succeeded();
		expect(throttle.currentCeiling).toBe(9);
	});

	it('without any refusal it stays at the maximum', () => {
		const throttle = new RequestThrottle(4);
		for (let i = 0; i < 100; i++) throttle.succeeded();
		expect(throttle.currentCeiling).toBe(4);
	});
});
