/**
 * Finds what looks like a full card number (PAN) anywhere in a request body: a run of 13 to 19
 * digits, possibly grouped by single spaces or dashes, that passes the Luhn check. The service
 * stores provider tokens only; a PAN must never be stored, logged or echoed, so the body is
 * refused before validation or any other processing sees it.
 */
const digitRun = /\d(?:[ -]?\d)*/g;

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

export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(digitRun)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/**
 * Walks any JSON value. A PAN sent as a JSON number is still a PAN, but JSON.parse may already have
 * rounded it; no field of these bodies is a number with 13+ digits, so any such number is refused.
 */
export function valueContainsCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 10) return false;
  if (typeof value === 'string') return containsCardNumber(value);
  if (typeof value === 'number') return Math.abs(value) >= 1e12;
  if (Array.isArray(value)) return value.some((item) => valueContainsCardNumber(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([key, item]) => containsCardNumber(key) || valueContainsCardNumber(item, depth + 1),
    );
  }
  return false;
}
