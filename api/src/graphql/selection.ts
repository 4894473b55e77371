import { getArgumentValues, getNamedType, isObjectType, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the query asks, anywhere below the field being resolved (through fragments too), for a
 * field named `name`: lets a resolver leave out of its statement what no one will read. Errs on
 * the side of yes (a field of that name on any type below counts).
 */
export function selectsBelow(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean =>
    !!selectionSet &&
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name || visit(selection.selectionSet);
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return visit(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

/**
 * The arguments, as their resolver will receive them (variables applied, defaults filled), of each
 * occurrence of the field that `path` (field names, aliases aside) leads to below the field being
 * resolved, through fragments: lets a list read ahead what its items' nested list will ask for, so
 * both come from one statement. Empty when the path is not selected. `@skip`/`@include` are not
 * read: a field skipped is still counted, which costs a prefetch nobody reads, never an answer.
 */
export function argumentsAlong(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'returnType' | 'variableValues'>, path: readonly string[]): Array<Record<string, unknown>> {
  let type = getNamedType(info.returnType);
  let nodes: readonly FieldNode[] = info.fieldNodes;
  for (const [depth, name] of path.entries()) {
    if (!isObjectType(type)) return [];
    const field = type.getFields()[name];
    if (!field) return [];
    const found: FieldNode[] = [];
    const seen = new Set<string>();
    const collect = (selectionSet: SelectionSetNode | undefined): void => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === name) found.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
        else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          collect(info.fragments[selection.name.value]?.selectionSet);
        }
      }
    };
    for (const node of nodes) collect(node.selectionSet);
    if (!found.length) return [];
    if (depth === path.length - 1) return found.map((node) => getArgumentValues(field, node, info.variableValues));
    nodes = found;
    type = getNamedType(field.type);
  }
  return [];
}
