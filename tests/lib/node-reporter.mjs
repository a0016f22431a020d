// A node:test reporter printing one line per leaf test, in the form scripts/test tallies:
//   PASS <file> > <test name>
//   FAIL <file> > <test name>
//   SKIP <file> > <test name> (<reason>)
// followed by the failure details, indented, under each FAIL line.
import path from 'node:path';

export default async function* reporter(source) {
	const hasChildren = new Set();
	for await (const event of source) {
		if (event.type === 'test:start' && event.data.nesting > 0) {
			// a test with subtests is a suite: only its leaves are counted
			hasChildren.add(`${event.data.file}|${event.data.nesting - 1}`);
		}
		if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
		const d = event.data;
		const key = `${d.file}|${d.nesting}`;
		if (hasChildren.has(key)) {
			hasChildren.delete(key);
			if (event.type === 'test:pass') continue;
			// a failing suite hook counts as one failure
		}
		const file = d.file ? path.relative(process.cwd(), d.file) : '?';
		const name = `${file} > ${d.name}`;
		if (d.skip !== undefined && d.skip !== false) {
			yield `SKIP ${name} (${typeof d.skip === 'string' ? d.skip : 'skipped'})\n`;
		} else if (d.todo !== undefined && d.todo !== false) {
			yield `SKIP ${name} (todo)\n`;
		} else if (event.type === 'test:pass') {
			yield `PASS ${name}\n`;
		} else {
			const err = d.details?.error;
			const cause = err?.cause ?? err;
			const text = String(cause?.stack ?? cause?.message ?? cause ?? 'failed');
			yield `FAIL ${name}\n${text.split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n')}\n`;
		}
	}
}
