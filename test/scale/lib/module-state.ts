/**
 * State that lives in a module or a class rather than in one execution differs between n8n processes
 * (and leaks between executions on one). Flags module-level `let`/`var`; module-level constants
 * changed in place anywhere (found through the type checker, so locals and imports resolve as in the
 * code); module-level g/y regular expressions (they keep `lastIndex`); static fields that can change;
 * `this.x =` outside the constructor of classes n8n instantiates once per process.
 */
import { readdirSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';

const MUTATING =
	/^(push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin|set|add|delete|clear)$/;

const sourceFiles = (dir: string) =>
	readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((entry) =>
		/(?<!\.test|\.d)\.ts$/.test(entry) ? [join(dir, entry)] : [],
	);

const unwrap = (e: ts.Expression): ts.Expression =>
	ts.isAsExpression(e) ||
	ts.isSatisfiesExpression(e) ||
	ts.isParenthesizedExpression(e) ||
	ts.isNonNullExpression(e)
		? unwrap(e.expression)
		: e;

const isAccess = (e: ts.Expression) =>
	ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e);
/** The root of an access chain: a.b[c].d → a (or `this`). */
function root(e: ts.Expression): ts.Expression {
	const inner = unwrap(e);
	return isAccess(inner) ? root((inner as ts.AccessExpression).expression) : inner;
}

const isAssignment = (kind: ts.SyntaxKind) =>
	kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
const has = (node: ts.Node, kind: ts.SyntaxKind) =>
	(ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((m) => m.kind === kind);

/** The expression a mutation writes through, if `node` is one. */
function mutated(node: ts.Node): ts.Expression | undefined {
	if (ts.isCallExpression(node)) {
		const callee = unwrap(node.expression);
		if (ts.isPropertyAccessExpression(callee) && MUTATING.test(callee.name.text))
			return callee.expression;
		if (callee.getText() === 'Object.assign') return node.arguments[0];
	}
	const written = (e: ts.Expression) => (isAccess(unwrap(e)) ? e : undefined);
	if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind))
		return written(node.left);
	if (ts.isDeleteExpression(node)) return written(node.expression);
	if (
		(ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
		(node.operator === ts.SyntaxKind.PlusPlusToken ||
			node.operator === ts.SyntaxKind.MinusMinusToken)
	)
		return written(node.operand);
	return undefined;
}

export function analyseModuleState(rootDir: string, folders: string[]) {
	const files = folders.flatMap((folder) => sourceFiles(join(rootDir, folder)));
	const options = { noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 };
	const program = ts.createProgram(files, options);
	const checker = program.getTypeChecker();
	const resolve = (symbol: ts.Symbol | undefined) =>
		symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
	const problems: string[] = [];
	const constants = new Map<ts.Symbol, { where: string; name: string; at: string[] }>();
	const classes: string[] = [];
	const sources = files.map((file) => ({
		file: relative(rootDir, file),
		source: program.getSourceFile(file)!,
	}));
	const line = (source: ts.SourceFile, node: ts.Node) =>
		source.getLineAndCharacterOfPosition(node.getStart()).line + 1;

	for (const { file, source } of sources) {
		for (const statement of source.statements) {
			if (ts.isVariableStatement(statement)) {
				const list = statement.declarationList;
				if (!(list.flags & ts.NodeFlags.Const)) {
					problems.push(`${file}: module-level "${list.getText().split('=')[0].trim()}"`);
					continue;
				}
				for (const declaration of list.declarations) {
					const init = declaration.initializer && unwrap(declaration.initializer);
					const name = declaration.name.getText();
					if (init && ts.isRegularExpressionLiteral(init) && /\/[a-z]*[gy][a-z]*$/.test(init.text))
						problems.push(`${file}: module-level regular expression ${name} has the g or y flag`);
					const symbol = checker.getSymbolAtLocation(declaration.name);
					if (symbol) constants.set(symbol, { where: file, name, at: [] });
				}
			} else if (ts.isClassDeclaration(statement)) {
				const name = statement.name?.text ?? '(anonymous class)';
				classes.push(name);
				for (const member of statement.members)
					if (
						ts.isPropertyDeclaration(member) &&
						has(member, ts.SyntaxKind.StaticKeyword) &&
						!has(member, ts.SyntaxKind.ReadonlyKeyword)
					)
						problems.push(
							`${file}: static field ${name}.${member.name.getText()} can change at run time`,
						);
				const singleton = statement.heritageClauses?.some((clause) =>
					clause.types.some((type) =>
						/^(INodeType|ICredentialType|IVersionedNodeType)$/.test(type.expression.getText()),
					),
				);
				const visit = (node: ts.Node): void => {
					if (ts.isConstructorDeclaration(node)) return;
					const target = mutated(node);
					if (target && root(target).kind === ts.SyntaxKind.ThisKeyword)
						problems.push(
							`${file}:${line(source, node)}: ${name} (one instance per n8n process) assigns ${node.getText()}`,
						);
					ts.forEachChild(node, visit);
				};
				if (singleton) statement.members.forEach(visit);
			}
		}
	}
	for (const { file, source } of sources) {
		const visit = (node: ts.Node): void => {
			const target = mutated(node);
			const identifier = target && root(target);
			const constant =
				identifier &&
				ts.isIdentifier(identifier) &&
				constants.get(resolve(checker.getSymbolAtLocation(identifier))!);
			if (constant) constant.at.push(`${file}:${line(source, node)}`);
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	for (const { where, name, at } of constants.values())
		if (at.length > 0)
			problems.push(`${where}: module-level ${name} is mutated at ${at.join(', ')}`);
	return { files: files.length, constants: constants.size, classes, problems };
}
