<?php

/*
 * Finds every endpoint of the addon's admin page from its source, so that the security
 * suite covers an endpoint the day it is written. An endpoint is (action, method, op):
 * the actions are the keys of Router::ROUTES (the whitelist); the methods are the
 * controller's get() and post() as it finally has them (inherited or its own; the base
 * Controller's are the 405 answers, no endpoint); the ops are read from the method's
 * code with PHP-Parser: every string literal the request's "op" field is compared with
 * (switch cases, match arms, ===/==/!==, in_array lists), directly or through a variable
 * it was assigned to. "" (no op) is always an endpoint: the page itself, or the
 * "unknown request" answer.
 *
 * A controller that dispatches on any other request field (a switch or match over
 * $request->post('x') / query('x')) is reported as unclassifiable: the scan would miss
 * its branches, so the suite fails until the scan is taught the new key.
 */

namespace PuqKvm\Test\Security;

use PhpParser\Node;
use PhpParser\NodeFinder;
use PhpParser\ParserFactory;

require_once '/usr/share/php/PhpParser/autoload.php';

final class EndpointScan
{
    /** The request field that selects an endpoint inside a controller method. */
    public const KEY = 'op';

    /**
     * @param array<string, class-string> $routes action => controller class
     * @return array{endpoints: list<array{action: string, method: string, op: string}>, problems: list<string>}
     */
    public static function addon(array $routes): array
    {
        $endpoints = [];
        $problems = [];
        foreach ($routes as $action => $class) {
            foreach (['GET' => 'get', 'POST' => 'post'] as $httpMethod => $name) {
                $method = new \ReflectionMethod($class, $name);
                $declaring = $method->getDeclaringClass();
                if ($declaring->isAbstract() && $declaring->getShortName() === 'Controller') {
                    continue; // the base class's "405 Method not allowed"
                }
                [$ops, $foreign] = self::ops($declaring->getFileName(), $declaring->getShortName(), $name);
                foreach ($foreign as $key) {
                    $problems[] = "$action $httpMethod dispatches on the request field \"$key\": teach "
                        . 'tests/whmcs/tests/security/EndpointScan.php that key, then classify its endpoints';
                }
                foreach (array_merge([''], $ops) as $op) {
                    $endpoints[] = ['action' => $action, 'method' => $httpMethod, 'op' => $op];
                }
            }
        }
        return ['endpoints' => $endpoints, 'problems' => $problems];
    }

    /** "action METHOD op" - the name an endpoint has in the suite's catalog. */
    public static function name(array $endpoint): string
    {
        return trim("{$endpoint['action']} {$endpoint['method']} {$endpoint['op']}");
    }

    /**
     * The ops one method compares the request's op with, and the other request fields it
     * dispatches on.
     * @return array{list<string>, list<string>}
     */
    private static function ops(string $file, string $class, string $method): array
    {
        $parser = (new ParserFactory())->create(ParserFactory::PREFER_PHP7);
        $ast = $parser->parse((string) file_get_contents($file));
        $finder = new NodeFinder();
        $methods = [];
        foreach ($finder->findInstanceOf($ast, Node\Stmt\ClassMethod::class) as $m) {
            $methods[$m->name->toString()] = $m;
        }
        if (!isset($methods[$method])) {
            throw new \LogicException("$class::$method not found in $file");
        }
        $ops = [];
        $foreign = [];
        foreach (self::reached($finder, $methods, $method) as $body) {
            self::scanBody($finder, $body, $ops, $foreign);
        }
        $ops = array_values(array_unique(array_filter($ops, static fn ($o) => $o !== '')));
        sort($ops);
        return [$ops, array_values(array_unique($foreign))];
    }

    /**
     * The method and every method of the same file it calls as $this->x() / self::x() /
     * static::x(), transitively: a dispatch moved into a helper is still found.
     * @param array<string, Node\Stmt\ClassMethod> $methods
     * @return list<Node\Stmt\ClassMethod>
     */
    private static function reached(NodeFinder $finder, array $methods, string $start): array
    {
        $seen = [$start => true];
        $queue = [$start];
        $out = [];
        while ($queue) {
            $body = $methods[array_shift($queue)];
            $out[] = $body;
            foreach ($finder->find($body, static fn (Node $n) => ($n instanceof Node\Expr\MethodCall
                && $n->var instanceof Node\Expr\Variable && $n->var->name === 'this')
                || $n instanceof Node\Expr\StaticCall) as $call) {
                if ($call->name instanceof Node\Identifier) {
                    $name = $call->name->toString();
                    if (isset($methods[$name]) && !isset($seen[$name])) {
                        $seen[$name] = true;
                        $queue[] = $name;
                    }
                }
            }
        }
        return $out;
    }

    /**
     * @param list<string> $ops
     * @param list<string> $foreign
     */
    private static function scanBody(NodeFinder $finder, Node $body, array &$ops, array &$foreign): void
    {
        $vars = self::requestVars($finder, $body);
        $key = static function (Node $expr) use ($vars): ?string {
            if ($expr instanceof Node\Expr\Variable && is_string($expr->name)) {
                return $vars[$expr->name] ?? null;
            }
            return self::requestField($expr);
        };
        foreach ($finder->find($body, static fn (Node $n) => true) as $node) {
            if ($node instanceof Node\Stmt\Switch_ || $node instanceof Node\Expr\Match_) {
                $field = $key($node->cond);
                if ($field === null) {
                    continue;
                }
                if ($field !== self::KEY) {
                    $foreign[] = $field;
                    continue;
                }
                $conds = $node instanceof Node\Stmt\Switch_
                    ? array_map(static fn ($c) => $c->cond, $node->cases)
                    : array_merge(...array_map(static fn ($a) => $a->conds ?? [], $node->arms));
                foreach ($conds as $cond) {
                    if ($cond instanceof Node\Scalar\String_) {
                        $ops[] = $cond->value;
                    }
                }
            } elseif ($node instanceof Node\Expr\BinaryOp\Identical || $node instanceof Node\Expr\BinaryOp\Equal
                || $node instanceof Node\Expr\BinaryOp\NotIdentical || $node instanceof Node\Expr\BinaryOp\NotEqual) {
                foreach ([[$node->left, $node->right], [$node->right, $node->left]] as [$subject, $value]) {
                    if ($value instanceof Node\Scalar\String_ && $key($subject) === self::KEY) {
                        $ops[] = $value->value;
                    }
                }
            } elseif ($node instanceof Node\Expr\FuncCall && $node->name instanceof Node\Name
                && strtolower($node->name->toString()) === 'in_array' && count($node->args) >= 2
                && $key($node->args[0]->value) === self::KEY && $node->args[1]->value instanceof Node\Expr\Array_) {
                foreach ($node->args[1]->value->items as $item) {
                    if ($item !== null && $item->value instanceof Node\Scalar\String_) {
                        $ops[] = $item->value->value;
                    }
                }
            }
        }
    }

    /** Variables assigned straight from a request field: name => field. @return array<string, string> */
    private static function requestVars(NodeFinder $finder, Node $body): array
    {
        $vars = [];
        foreach ($finder->findInstanceOf($body, Node\Expr\Assign::class) as $assign) {
            $field = self::requestField($assign->expr);
            if ($field !== null && $assign->var instanceof Node\Expr\Variable && is_string($assign->var->name)) {
                $vars[$assign->var->name] = $field;
            }
        }
        return $vars;
    }

    /** "op" for $request->post('op') or $request->query('op'); null for anything else. */
    private static function requestField(Node $expr): ?string
    {
        if ($expr instanceof Node\Expr\MethodCall && $expr->name instanceof Node\Identifier
            && in_array($expr->name->toString(), ['post', 'query'], true) && count($expr->args) === 1
            && $expr->args[0]->value instanceof Node\Scalar\String_) {
            return $expr->args[0]->value->value;
        }
        return null;
    }
}
