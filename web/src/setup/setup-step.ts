// One numbered step of the CWM setup page: a card whose badge says whether the step is done.
import { el, replaceChildren, type Child } from '../dom-builder.js';
import { badge } from '../status-badge.js';

export type StepState = 'done' | 'todo' | 'info' | 'waiting';

const STATE_BADGES: Readonly<Record<StepState, () => HTMLSpanElement>> = {
  done: () => badge('done', 'good'),
  todo: () => badge('to do', 'warn'),
  info: () => badge('read', 'info'),
  waiting: () => badge('waiting', 'info'),
};

export interface SetupStep {
  readonly element: HTMLElement;
  readonly setState: (state: StepState) => void;
}

export function createSetupStep(number: number, title: string, id: string, ...children: Child[]): SetupStep {
  const stateArea = el('span', { class: 'step-state', 'data-step-state': 'todo' }, STATE_BADGES.todo());
  const titleId = `${id}-title`;
  const element = el(
    'section',
    { class: 'card setup-step', id, 'aria-labelledby': titleId },
    el('div', { class: 'card-header' }, el('h2', { id: titleId }, `${number}. ${title}`), stateArea),
    ...children,
  );
  return {
    element,
    setState: (state) => {
      stateArea.setAttribute('data-step-state', state);
      replaceChildren(stateArea, STATE_BADGES[state]());
    },
  };
}
