// A compile-time check that a schema's enum and the domain's union name the same values: a constant of
// type SameType<A, B> can only be `true` when neither has a value the other lacks.

export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
