/**
 * Finds what looks like a full card number (PAN) in user-supplied text. The service stores provider
 * tokens only; a PAN must never be stored, logged or echoed, so a request holding one is refused
 * before validation or any other processing sees it.
 *
 * A PAN is 13 to 19 digits that pass the Luhn check, written with any separators between its digits
 * (`4111 1111…`, `4111-1111…`, `4111.1111…`, `4111_1111…`, `4111/1111…`, `4111:1111…`, several at
 * once): a separator is any run of characters that are neither letters nor digits; a letter ends a
 * run of digits. Digits of any script count (NFKC first, so fullwidth digits are digits). Within a
 * run, a PAN may start and end at any group boundary (`ref 12 4111-1111-1111-1111` holds one), but
 * not inside a group: a single group of 20 or more digits is an id, not a card.
 */
const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;
const MAX_DEPTH = 32;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const decimalDigit = /\p{Nd}/u;
const letterOrNumber = /[\p{L}\p{N}\p{M}]/u;

/** The value of a decimal digit of any script: Unicode lays each script's digits out as 0…9 in a row. */
function digitValue(text: string, index: number): number {
  let zero = text.codePointAt(index)!;
  while (decimalDigit.test(String.fromCodePoint(zero - 1))) zero--;
  return (text.codePointAt(index)! - zero) % 10;
}

/** The runs of digit groups in a text: groups split by separators, runs split by letters. */
function digitRuns(text: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let group = '';
  const endGroup = () => {
    if (group) run.push(group);
    group = '';
  };
  const endRun = () => {
    endGroup();
    if (run.length > 0) runs.push(run);
    run = [];
  };
  const normalized = text.normalize('NFKC');
  for (let index = 0; index < normalized.length;) {
    const char = String.fromCodePoint(normalized.codePointAt(index)!);
    if (char >= '0' && char <= '9') group += char;
    else if (decimalDigit.test(char)) group += String(digitValue(normalized, index));
    else if (letterOrNumber.test(char)) endRun();
    else endGroup();
    index += char.length;
  }
  endRun();
  return runs;
}

export function containsCardNumber(text: string): boolean {
  for (const groups of digitRuns(text)) {
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length && digits.length < MAX_PAN_DIGITS; last++) {
        digits += groups[last];
        if (digits.length >= MIN_PAN_DIGITS && digits.length <= MAX_PAN_DIGITS && luhnValid(digits)) return true;
      }
    }
  }
  return false;
}

/**
 * Every place in a JSON value that holds a card number, as field paths (`body.provider`); keys
 * count too (`body.(key)`). A PAN sent as a JSON number is still a PAN, but JSON.parse may already
 * have rounded it; no field of these bodies is a number with 13 or more digits, so any such number
 * is taken for one.
 */
export function fieldsWithCardNumbers(value: unknown, path: string[], found: string[] = [], depth = 0): string[] {
  if (depth > MAX_DEPTH) return found;
  if (typeof value === 'string') {
    if (containsCardNumber(value)) found.push(path.join('.'));
  } else if (typeof value === 'number') {
    if (Math.abs(value) >= 1e12) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => fieldsWithCardNumbers(item, [...path, String(index)], found, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (containsCardNumber(key)) found.push([...path, '(key)'].join('.'));
      else fieldsWithCardNumbers(item, [...path, key], found, depth + 1);
    }
  }
  return found;
}
