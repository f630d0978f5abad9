/** What a conversion could not carry over; its own module so the adapters need not import convert.ts (a cycle). */
export interface ConvertWarning {
  key: string;
  message: string;
}
