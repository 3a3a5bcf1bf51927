/**
 * Refuses operations nested deeper than the configured limit before anything is planned or
 * fetched. Written here because it is a dozen lines; fragments are followed, cycles cut.
 */
import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d.selectionSet] as const),
    );
    const depthOf = (set: SelectionSetNode, seen: Set<string>): number => {
      let max = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue;
          max = Math.max(max, s.selectionSet ? 1 + depthOf(s.selectionSet, seen) : 1);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(s.selectionSet, seen));
        } else if (!seen.has(s.name.value)) {
          const f = fragments.get(s.name.value);
          if (f) max = Math.max(max, depthOf(f, new Set([...seen, s.name.value])));
        }
      }
      return max;
    };
    return {
      OperationDefinition(op) {
        const depth = depthOf(op.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`The operation is nested ${depth} levels deep; the limit is ${maxDepth}`, {
              nodes: [op],
              extensions: { code: 'BAD_USER_INPUT', maxDepth, depth },
            }),
          );
        }
      },
    };
  };
}
