/**
 * Reads the node and credential sources for state that lives in a module (or a class) rather than in
 * one execution: in queue mode every worker loads its own copy of the package, so such state would
 * differ between workers (and leak between executions on one worker).
 *
 * Flags: module-level `let`/`var`; module-level constants (maps, sets, arrays, objects, descriptions)
 * that any source file changes in place (method calls such as push/set/add/delete, assignments into
 * them, `delete`, ++/--, Object.assign); module-level regular expressions with the g or y flag (they
 * keep `lastIndex`); static class fields that are not readonly; assignments to `this.<field>` outside
 * the constructor in classes n8n instantiates once per process (INodeType, ICredentialType).
 * Not followed: aliases (a module object passed around and changed under another name).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';

export interface ModuleBinding {
	file: string;
	name: string;
	kind: 'let/var' | 'container' | 'value' | 'function' | 'class' | 'static field';
	/** Where it is mutated (file:line), for containers. */
	mutatedAt: string[];
}

export interface ModuleStateReport {
	files: number;
	bindings: ModuleBinding[];
	problems: string[];
}

const MUTATING_METHODS = new Set([
	'push',
	'pop',
	'shift',
	'unshift',
	'splice',
	'sort',
	'reverse',
	'fill',
	'copyWithin',
	'set',
	'add',
	'delete',
	'clear',
]);

function sourceFiles(dir: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
		else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts'))
			out.push(path);
	}
	return out;
}

function unwrap(expression: ts.Expression): ts.Expression {
	let current = expression;
	while (
		ts.isAsExpression(current) ||
		ts.isSatisfiesExpression(current) ||
		ts.isParenthesizedExpression(current) ||
		ts.isTypeAssertionExpression(current)
	) {
		current = current.expression;
	}
	return current;
}

function isContainer(initializer: ts.Expression | undefined): boolean {
	if (!initializer) return false;
	const value = unwrap(initializer);
	if (ts.isArrayLiteralExpression(value) || ts.isObjectLiteralExpression(value)) return true;
	if (ts.isNewExpression(value)) return true;
	// Object.freeze(...) is not a container anyone can change.
	return false;
}

/** The identifier an access chain starts from: a.b[c].d → a. */
function rootIdentifier(expression: ts.Expression): ts.Identifier | undefined {
	let current = unwrap(expression);
	while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
		current = unwrap(current.expression);
	}
	return ts.isIdentifier(current) ? current : undefined;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
	return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
	return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some(
		(modifier) => modifier.kind === kind,
	);
}

/** Analyses every .ts file under the given folders (relative paths in the report are from `root`). */
export function analyseModuleState(root: string, folders: string[]): ModuleStateReport {
	const files = folders.flatMap((folder) => sourceFiles(join(root, folder)));
	const parsed = files.map((file) => ({
		file: relative(root, file),
		source: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2021, true),
	}));
	const bindings: ModuleBinding[] = [];
	const problems: string[] = [];
	const containers = new Map<string, ModuleBinding[]>();

	for (const { file, source } of parsed) {
		for (const statement of source.statements) {
			if (ts.isVariableStatement(statement)) {
				const mutable =
					(statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !==
					ts.NodeFlags.Const;
				for (const declaration of statement.declarationList.declarations) {
					const name = declaration.name.getText(source);
					if (mutable) {
						bindings.push({ file, name, kind: 'let/var', mutatedAt: [] });
						problems.push(
							`${file}: module-level "${statement.declarationList.getText(source).split('=')[0].trim()}"`,
						);
						continue;
					}
					const init = declaration.initializer && unwrap(declaration.initializer);
					const kind: ModuleBinding['kind'] = isContainer(declaration.initializer)
						? 'container'
						: init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
							? 'function'
							: 'value';
					const binding: ModuleBinding = { file, name, kind, mutatedAt: [] };
					bindings.push(binding);
					// Any module-level object could be changed in place (e.g. an array a helper returned).
					if (kind !== 'function' && ts.isIdentifier(declaration.name)) {
						containers.set(name, [...(containers.get(name) ?? []), binding]);
					}
					if (
						init &&
						ts.isRegularExpressionLiteral(init) &&
						/\/[a-z]*[gy][a-z]*$/.test(init.text)
					) {
						problems.push(
							`${file}: module-level regular expression ${name} has the g or y flag (it keeps lastIndex between calls)`,
						);
					}
				}
			} else if (ts.isFunctionDeclaration(statement) && statement.name) {
				bindings.push({ file, name: statement.name.text, kind: 'function', mutatedAt: [] });
			} else if (ts.isClassDeclaration(statement)) {
				const className = statement.name?.text ?? '(anonymous class)';
				bindings.push({ file, name: className, kind: 'class', mutatedAt: [] });
				const singleton = (statement.heritageClauses ?? []).some((clause) =>
					clause.types.some((type) =>
						/^(INodeType|ICredentialType|IVersionedNodeType)$/.test(
							type.expression.getText(source),
						),
					),
				);
				for (const member of statement.members) {
					if (
						ts.isPropertyDeclaration(member) &&
						hasModifier(member, ts.SyntaxKind.StaticKeyword)
					) {
						const name = `${className}.${member.name.getText(source)}`;
						bindings.push({ file, name, kind: 'static field', mutatedAt: [] });
						if (
							!hasModifier(member, ts.SyntaxKind.ReadonlyKeyword) ||
							isContainer(member.initializer)
						) {
							problems.push(`${file}: static field ${name} can change at run time`);
						}
					}
				}
				if (singleton) {
					const visit = (node: ts.Node): void => {
						if (
							ts.isBinaryExpression(node) &&
							isAssignmentOperator(node.operatorToken.kind) &&
							ts.isPropertyAccessExpression(unwrap(node.left)) &&
							rootIdentifierOrThis(node.left) === 'this' &&
							!isInConstructor(node)
						) {
							const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
							problems.push(
								`${file}:${line + 1}: ${className} (one instance per n8n process) assigns ${node.left.getText(source)}`,
							);
						}
						ts.forEachChild(node, visit);
					};
					statement.members.forEach((member) => ts.forEachChild(member, visit));
				}
			}
		}
	}

	// Mutations of module-level containers, in any file (exported containers could be changed elsewhere).
	for (const { file, source } of parsed) {
		const record = (identifier: ts.Identifier, node: ts.Node) => {
			const owners = containers.get(identifier.text);
			if (!owners) return;
			if (isShadowed(identifier)) return;
			const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
			for (const owner of owners) owner.mutatedAt.push(`${file}:${line + 1}`);
		};
		const visit = (node: ts.Node): void => {
			if (ts.isCallExpression(node)) {
				const callee = unwrap(node.expression);
				if (ts.isPropertyAccessExpression(callee) && MUTATING_METHODS.has(callee.name.text)) {
					const root = rootIdentifier(callee.expression);
					if (root) record(root, node);
				}
				if (callee.getText(source) === 'Object.assign' && node.arguments[0]) {
					const root = rootIdentifier(node.arguments[0]);
					if (root) record(root, node);
				}
			}
			if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
				const left = unwrap(node.left);
				if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) {
					const root = rootIdentifier(left);
					if (root) record(root, node);
				}
			}
			if (ts.isDeleteExpression(node)) {
				const root = rootIdentifier(node.expression);
				if (root) record(root, node);
			}
			if (
				(ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
				isIncrement(node)
			) {
				const operand = unwrap(node.operand);
				if (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand)) {
					const root = rootIdentifier(operand);
					if (root) record(root, node);
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	for (const binding of bindings) {
		if (binding.mutatedAt.length > 0) {
			problems.push(
				`${binding.file}: module-level ${binding.name} is mutated at ${binding.mutatedAt.join(', ')}`,
			);
		}
	}
	return { files: files.length, bindings, problems };
}

function rootIdentifierOrThis(expression: ts.Expression): string | undefined {
	let current = unwrap(expression);
	while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current))
		current = unwrap(current.expression);
	if (current.kind === ts.SyntaxKind.ThisKeyword) return 'this';
	return ts.isIdentifier(current) ? current.text : undefined;
}

function isInConstructor(node: ts.Node): boolean {
	for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
		if (ts.isConstructorDeclaration(current)) return true;
		if (ts.isClassDeclaration(current)) return false;
	}
	return false;
}

function isIncrement(node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression): boolean {
	return (
		node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken
	);
}

/** Whether a local declaration (parameter or variable in an enclosing function/block) hides the module binding. */
function isShadowed(identifier: ts.Identifier): boolean {
	const name = identifier.text;
	for (
		let scope: ts.Node | undefined = identifier.parent;
		scope && !ts.isSourceFile(scope);
		scope = scope.parent
	) {
		if (
			ts.isFunctionLike(scope) &&
			scope.parameters.some((parameter) => declaresName(parameter.name, name))
		)
			return true;
		if (ts.isBlock(scope) || ts.isFunctionLike(scope)) {
			const statements = ts.isBlock(scope) ? scope.statements : [];
			for (const statement of statements) {
				if (
					ts.isVariableStatement(statement) &&
					statement.declarationList.declarations.some((declaration) =>
						declaresName(declaration.name, name),
					)
				) {
					return true;
				}
			}
		}
		if (
			(ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) &&
			scope.initializer
		) {
			if (
				ts.isVariableDeclarationList(scope.initializer) &&
				scope.initializer.declarations.some((declaration) => declaresName(declaration.name, name))
			) {
				return true;
			}
		}
	}
	return false;
}

function declaresName(binding: ts.BindingName, name: string): boolean {
	if (ts.isIdentifier(binding)) return binding.text === name;
	return binding.elements.some(
		(element) => !ts.isOmittedExpression(element) && declaresName(element.name, name),
	);
}
