import { containsCardNumber, luhnValid, valueContainsCardNumber } from './cardNumberDetector';

describe('card number detector', () => {
  it('knows the Luhn check', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it.each([
    '4242424242424242',
    '4242 4242 4242 4242',
    '4242-4242-4242-4242',
    'tok_4000056655665556',
    'card: 378282246310005 thanks',
  ])('finds a card number in %p', (text) => expect(containsCardNumber(text)).toBe(true));

  it.each(['pm_1Nv0abcDEF', '4242', '4242424242424241', '2099', '123456789012', 'tok-12-34'])(
    'leaves %p alone',
    (text) => expect(containsCardNumber(text)).toBe(false),
  );

  it('looks into every field, nested values and numbers', () => {
    expect(valueContainsCardNumber({ provider: 'stripe', meta: { note: ['5555 5555 5555 4444'] } })).toBe(true);
    expect(valueContainsCardNumber({ last4: 4242424242424242 })).toBe(true);
    expect(
      valueContainsCardNumber({ provider: 'stripe', token: 'pm_123', last4: '4242', expMonth: 12, expYear: 2030 }),
    ).toBe(false);
  });
});
