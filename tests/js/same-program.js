// Whether two scripts are the same program: `node same-program.js A.js B.js` parses both
// with acorn and compares their syntax trees, where a name declared in a function (var,
// parameter, function, catch parameter, let/const/class in a block) may be spelt
// differently in B, as long as every use of it refers to the same declaration as in A.
// Properties, object keys, labels and every name not declared in a function (globals)
// must be spelt the same. Spellings of the same program builder/jsmin.py uses are read as
// one: `!0`/`!1`/`void 0` as `true`/`false`/the global `undefined`, `var a, b;` in a
// statement list as `var a; var b;`, a statement list without its empty statements, and an
// arrow function that uses no `this` or `arguments` of its own as a function expression;
// and in a file that is one call of a function, a parameter given a global of the browser
// (`(function (d) { d.title; })(document)`) as that global, where never written.
// Exit 0 when the same; else 1 with the first difference.
"use strict";
const fs = require("fs");
const acorn = require("acorn");

function program(path) {
  return acorn.parse(fs.readFileSync(path, "utf8"), { ecmaVersion: "latest", sourceType: "script" });
}

function canonical(ast) {
  let counter = 0;
  class Scope {
    constructor(parent) { this.parent = parent; this.names = new Map(); }
    declare(name) { if (!this.names.has(name)) this.names.set(name, ++counter); }
  }
  // a name declared in a scope: a number, or the global a parameter stands for (below)
  function binding(scope, name) {
    for (let s = scope; s; s = s.parent) if (s.names.has(name)) return s.names.get(name);
    return null;
  }
  function resolve(scope, name) {
    const b = binding(scope, name);
    return b === null ? "global:" + name : typeof b === "string" ? "global:" + b : "local#" + b;
  }
  // A file that is one call of a function expression: a parameter given one of the
  // browser's globals (which no script replaces) stands for that global, as long as it is
  // never written (builder/jsmin.py passes globals so, to shorten their names): the
  // parameter and its argument are left out, its uses name the global.
  const ALIASED = new Set(["document", "window", "Math", "JSON", "Object", "Array", "String", "Promise", "Error", "encodeURIComponent"]);
  const aliases = new Map();     // parameter node -> global
  const top = ast.body.length === 1 && ast.body[0].type === "ExpressionStatement" && ast.body[0].expression;
  const wrapper = top && top.type === "CallExpression" && top.callee;
  if (wrapper && /^(FunctionExpression|ArrowFunctionExpression)$/.test(wrapper.type) &&
      !/"name":"arguments"/.test(JSON.stringify(wrapper))) {
    wrapper.params.forEach((p, i) => {
      const a = top.arguments[i];
      if (p.type === "Identifier" && a && a.type === "Identifier" && ALIASED.has(a.name) &&
          wrapper.params.filter((q) => q.name === p.name).length === 1) aliases.set(p, a.name);
    });
  }
  function unwritten(scope, targets) {
    targets.forEach((n) => {
      if (typeof binding(scope, n) === "string") throw new Error("a parameter standing for a global is written: " + n);
    });
  }
  function patternNames(p, out) {
    if (!p) return out;
    switch (p.type) {
      case "Identifier": out.push(p.name); break;
      case "AssignmentPattern": patternNames(p.left, out); break;
      case "RestElement": patternNames(p.argument, out); break;
      case "ArrayPattern": p.elements.forEach((e) => patternNames(e, out)); break;
      case "ObjectPattern": p.properties.forEach((q) => patternNames(q.type === "RestElement" ? q : q.value, out)); break;
      default: throw new Error("pattern " + p.type);
    }
    return out;
  }
  const isFunction = (n) => /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(n.type);
  // var declarations anywhere in a function body (not in nested functions)
  function hoistVars(node, scope) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach((n) => hoistVars(n, scope)); return; }
    if (isFunction(node)) return;
    if (node.type === "VariableDeclaration" && node.kind === "var") {
      node.declarations.forEach((d) => patternNames(d.id, []).forEach((n) => scope.declare(n)));
    }
    for (const key of Object.keys(node)) if (key !== "loc") hoistVars(node[key], scope);
  }
  // let, const, class and (strict mode) function declarations directly in a block
  function lexical(statements, scope) {
    statements.forEach((s) => {
      if (s.type === "VariableDeclaration" && s.kind !== "var") {
        s.declarations.forEach((d) => patternNames(d.id, []).forEach((n) => scope.declare(n)));
      } else if ((s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") && s.id) {
        scope.declare(s.id.name);
      }
    });
  }
  // a statement list as the minifier may spell it: `var a, b;` as `var a; var b;`, and
  // without empty statements (both do nothing more or less)
  function statements(list) {
    const out = [];
    list.forEach((s) => {
      if (s.type === "EmptyStatement") return;
      if (s.type === "VariableDeclaration" && s.kind === "var" && s.declarations.length > 1) {
        s.declarations.forEach((d) => out.push({ type: s.type, declarations: [d], kind: s.kind }));
      } else out.push(s);
    });
    return out;
  }
  const isNumber = (n, value) => n.type === "Literal" && n.raw === String(value);
  // whether a function's own code (nested arrows included) uses this or arguments
  function ownThis(node) {
    if (!node || typeof node !== "object") return false;
    if (Array.isArray(node)) return node.some(ownThis);
    if (node.type === "FunctionExpression" || node.type === "FunctionDeclaration") return false;
    if (node.type === "ThisExpression" || (node.type === "Identifier" && node.name === "arguments")) return true;
    return Object.keys(node).some((key) => !((key === "property" || key === "key") && !node.computed) && ownThis(node[key]));
  }
  // an arrow function that uses no this or arguments of its own is read as the anonymous
  // function expression it stands for (`a => x` as `function (a) { return x; }`)
  function asFunction(node) {
    if (ownThis(node.body)) return node;
    const body = node.expression ? { type: "BlockStatement", body: [{ type: "ReturnStatement", argument: node.body }] } : node.body;
    return { type: "FunctionExpression", id: null, expression: false, generator: false, async: false, params: node.params, body: body };
  }
  function canon(node, scope, isBody) {
    if (Array.isArray(node)) return node.map((n) => canon(n, scope));
    if (!node || typeof node !== "object") return node;
    // `!0`, `!1` and `void 0` are `true`, `false` and the global `undefined`
    if (node.type === "UnaryExpression" && node.operator === "!" && (isNumber(node.argument, 0) || isNumber(node.argument, 1))) {
      return { type: "Literal", value: isNumber(node.argument, 0), raw: String(isNumber(node.argument, 0)) };
    }
    if (node.type === "UnaryExpression" && node.operator === "void" && isNumber(node.argument, 0)) return "name global:undefined";
    if (node.type === "Identifier") return "name " + resolve(scope, node.name);
    if (node.type === "ArrowFunctionExpression") node = asFunction(node);
    if (isFunction(node)) {
      let outer = scope;
      if (node.type === "FunctionExpression" && node.id) { outer = new Scope(scope); outer.declare(node.id.name); }
      const inner = new Scope(outer);
      node.params.forEach((p) => {
        if (aliases.has(p)) inner.names.set(p.name, aliases.get(p));
        else patternNames(p, []).forEach((n) => inner.declare(n));
      });
      if (node.body.type === "BlockStatement") {
        hoistVars(node.body, inner);
        lexical(node.body.body, inner);
      }
      if (node.type === "FunctionDeclaration") unwritten(scope, [node.id.name]);
      return { type: node.type, id: node.id ? "name " + resolve(outer, node.id.name) : null,
               params: canon(node.params.filter((p) => !aliases.has(p)), inner), body: canon(node.body, inner, true),
               generator: node.generator, async: node.async, expression: node.expression };
    }
    let here = scope;
    if (node.type === "BlockStatement" && !isBody && scope) { here = new Scope(scope); lexical(node.body, here); }
    if (node.type === "CatchClause" && node.param) {
      here = new Scope(scope);
      patternNames(node.param, []).forEach((n) => here.declare(n));
    }
    if (node.type === "AssignmentExpression" && node.left.type !== "MemberExpression") unwritten(scope, patternNames(node.left, []));
    if (node.type === "UpdateExpression" && node.argument.type === "Identifier") unwritten(scope, [node.argument.name]);
    if (node.type === "VariableDeclarator" && node.init) unwritten(scope, patternNames(node.id, []));
    if (/^For(In|Of)Statement$/.test(node.type) && node.left.type !== "MemberExpression") {
      unwritten(scope, node.left.type === "VariableDeclaration" ? patternNames(node.left.declarations[0].id, []) : patternNames(node.left, []));
    }
    const out = {};
    if (node === top && aliases.size) node = Object.assign({}, node, { arguments: node.arguments.filter((a, i) => !aliases.has(wrapper.params[i])) });
    for (const key of Object.keys(node)) {
      if (key === "start" || key === "end" || key === "loc" || key === "range") continue;
      const v = node[key];
      const named = v && v.type === "Identifier";
      if (named && key === "property" && node.type === "MemberExpression" && !node.computed) out[key] = "property " + v.name;
      else if (named && key === "key" && !node.computed) out[key] = "property " + v.name;
      else if (named && key === "label") out[key] = "label " + v.name;
      else if (named && node.type === "MetaProperty") out[key] = "meta " + v.name;
      else if (Array.isArray(v) && (key === "body" || (key === "consequent" && node.type === "SwitchCase"))) out[key] = canon(statements(v), here);
      else out[key] = canon(v, here);
    }
    return out;
  }
  // the top level: its declarations are globals (shared with the other scripts)
  return JSON.stringify(canon(ast, null, true));
}

// Several pairs in one run (`A1.js B1.js A2.js B2.js ...`, one node start for all): a
// line "differ: A B ..." for each pair that differs (or does not parse, or breaks a rule
// above), then exit 1 if any did.
const files = process.argv.slice(2);
if (!files.length || files.length % 2) {
  console.log("usage: node same-program.js A.js B.js [A2.js B2.js ...]");
  process.exit(2);
}
let differ = false;
for (let k = 0; k < files.length; k += 2) {
  let a, b;
  try {
    [a, b] = [files[k], files[k + 1]].map((p) => canonical(program(p)));
  } catch (e) {   // a script that does not parse, or a rule broken (thrown above)
    differ = true;
    console.log("differ:", files[k], files[k + 1], "-", e.message);
    continue;
  }
  if (a === b) continue;
  differ = true;
  let i = 0;
  while (a[i] === b[i]) i++;
  console.log("differ:", files[k], files[k + 1], "at", i, "\n  A:", a.slice(Math.max(0, i - 200), i + 200), "\n  B:", b.slice(Math.max(0, i - 200), i + 200));
}
process.exit(differ ? 1 : 0);
