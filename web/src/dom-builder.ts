// Builds DOM elements declaratively; text always goes in as text nodes, so API data can never inject markup.

export type Child = Node | string | number | null | undefined | false;
export type AttributeValue = string | number | boolean | null | undefined;

/**
 * Creates an element with attributes and children. `false`, `null` and `undefined` attributes are left out,
 * `true` sets an empty attribute.
 * @example
 * el('button', { type: 'button', class: 'primary' }, 'Send')
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, AttributeValue>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  appendChildren(element, children);
  return element;
}

export function appendChildren(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  appendChildren(parent, children);
}

let nextControlNumber = 0;

/** A unique id for pairing a label with its control. */
export function uniqueId(prefix: string): string {
  nextControlNumber += 1;
  return `${prefix}-${nextControlNumber}`;
}
