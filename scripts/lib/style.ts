import { styleText } from 'node:util';

// styleText drops colours by itself when the output is not a terminal or NO_COLOR is set.
export const green = (s: string) => styleText('green', s);
export const red = (s: string) => styleText('red', s);
export const yellow = (s: string) => styleText('yellow', s);
export const bold = (s: string) => styleText('bold', s);
export const dim = (s: string) => styleText('dim', s);
export const cyan = (s: string) => styleText('cyan', s);
