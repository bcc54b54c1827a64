/** Timestamps as the API writes them: UTC, ISO-8601, second precision, trailing Z. */
export function formatTimestamp(ms: number): string {
	return `${new Date(toSecond(ms)).toISOString().slice(0, 19)}Z`;
}

/** Truncates to the second. */
export function toSecond(ms: number): number {
	return Math.floor(ms / 1000) * 1000;
}

const ISO_RE =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses the ISO-8601 forms `since` accepts: a date (`2026-06-09`, midnight UTC), or a date-time with
 * minutes, optional seconds and fraction, and `Z`, `±HH:MM`, `±HHMM`, `±HH` or no zone (read as UTC).
 * Returns epoch milliseconds, or undefined when the text is not such a timestamp (or not a real date).
 */
export function parseIsoTimestamp(text: string): number | undefined {
	const m = ISO_RE.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h, mi, s, frac, zone] = m;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
	const hour = h === undefined ? 0 : Number(h);
	const minute = mi === undefined ? 0 : Number(mi);
	const second = s === undefined ? 0 : Number(s);
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
	let offsetMinutes = 0;
	if (zone !== undefined && zone.toUpperCase() !== 'Z') {
		const sign = zone[0] === '-' ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		const oh = Number(digits.slice(0, 2));
		const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
		if (oh > 23 || om > 59) return undefined;
		offsetMinutes = sign * (oh * 60 + om);
	}
	const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
	// Date.UTC maps years 0–99 to 1900+; the API has nothing that old, so just refuse them.
	if (year < 1000) return undefined;
	return utc - offsetMinutes * 60_000;
}
