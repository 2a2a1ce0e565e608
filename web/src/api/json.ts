// The JSON a worker value becomes on the wire: Dates turn into ISO strings. Lets the app derive response types from
// the worker's own DTO types (`Json<DealCard>`) instead of restating them.
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
