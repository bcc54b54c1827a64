/**
 * Where does a secret appear inside a value? Walks everything a thrown error or an output can
 * carry — own properties (enumerable or not, so `message`, `stack`, `cause` too), nested
 * errors, arrays, Maps, Sets, Buffers, class instances — and returns the paths of every string
 * containing the secret. Use it to prove that an API key never leaks:
 *
 *   expect(secretPaths(error, apiKey)).toEqual([]);
 */
export function secretPaths(value: unknown, secret: string, maxDepth = 12): string[] {
	if (secret.length === 0) throw new Error('secretPaths: empty secret');
	const found: string[] = [];
	const seen = new WeakSet<object>();

	const visit = (v: unknown, path: string, depth: number) => {
		if (typeof v === 'string') {
			if (v.includes(secret)) found.push(path || '(root)');
			return;
		}
		if (v === null || typeof v !== 'object' || depth > maxDepth) return;
		if (seen.has(v)) return;
		seen.add(v);
		if (Buffer.isBuffer(v)) {
			if (v.toString('utf8').includes(secret)) found.push(path || '(root)');
			return;
		}
		if (v instanceof Map) {
			for (const [k, item] of v) {
				visit(k, `${path}<key>`, depth + 1);
				visit(item, `${path}.get(${String(k)})`, depth + 1);
			}
			return;
		}
		if (v instanceof Set) {
			let i = 0;
			for (const item of v) visit(item, `${path}<set ${i++}>`, depth + 1);
			return;
		}
		for (const key of Reflect.ownKeys(v)) {
			if (typeof key === 'symbol') continue;
			let item: unknown;
			try {
				item = (v as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			if (typeof item === 'function') continue;
			visit(item, path ? `${path}.${key}` : key, depth + 1);
		}
	};

	visit(value, '', 0);
	return found;
}
