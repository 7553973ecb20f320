// Puts each problem of a model check next to the input it is about: controls register the path they edit
// (`fields[3].unit`), a problem goes to the registered path that is the longest prefix of its own path.
import { el, replaceChildren, uniqueId } from '../dom-builder.js';

export interface ModelProblem {
  readonly path: string;
  readonly problem: string;
}

interface Slot {
  readonly control: HTMLElement;
  readonly message: HTMLElement;
}

export interface ProblemSlots {
  /** Registers the control editing `path` and the element its problems are written into. */
  readonly register: (path: string, control: HTMLElement, message: HTMLElement) => void;
  /** Forgets every registration: called before the editor registers its (re-indexed) controls again. */
  readonly clear: () => void;
  /** Shows `problems` by their controls; answers the problems no control claims. */
  readonly show: (problems: readonly ModelProblem[]) => ModelProblem[];
}

/** A small element under a control for its problems, announced with the control (aria-describedby). */
export function problemMessage(control: HTMLElement): HTMLElement {
  if (control.id === '') control.id = uniqueId('control');
  return el('div', { class: 'field-problem', id: `${control.id}-problem` });
}

export function createProblemSlots(): ProblemSlots {
  const slots = new Map<string, Slot>();

  const slotFor = (path: string): Slot | null => {
    let candidate = path;
    while (candidate !== '') {
      const slot = slots.get(candidate);
      if (slot !== undefined) return slot;
      // Drop the last `.member` or `[index]` step.
      const cut = Math.max(candidate.lastIndexOf('.'), candidate.lastIndexOf('['));
      if (cut <= 0) return null;
      candidate = candidate.slice(0, cut);
    }
    return null;
  };

  return {
    register: (path, control, message) => slots.set(path, { control, message }),
    clear: () => slots.clear(),
    show: (problems) => {
      for (const slot of slots.values()) {
        replaceChildren(slot.message);
        slot.control.removeAttribute('aria-invalid');
      }
      const unclaimed: ModelProblem[] = [];
      for (const problem of problems) {
        const slot = slotFor(problem.path);
        if (slot === null) {
          unclaimed.push(problem);
          continue;
        }
        slot.control.setAttribute('aria-invalid', 'true');
        slot.message.appendChild(el('div', {}, problem.problem));
      }
      return unclaimed;
    },
  };
}
