import { containsCardNumber, fieldsWithCardNumbers, luhnValid } from './cardNumberDetector';

describe('card number detector', () => {
  it('knows the Luhn check', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it.each([
    ['no separator', '4111111111111111'],
    ['spaces', '4111 1111 1111 1111'],
    ['dashes', '4111-1111-1111-1111'],
    ['dots', '4111.1111.1111.1111'],
    ['underscores', '4111_1111_1111_1111'],
    ['slashes', '4111/1111/1111/1111'],
    ['colons', '4111:1111:1111:1111'],
    ['commas', '4111,1111,1111,1111'],
    ['several at once', '4111 - 1111 - 1111 - 1111'],
    ['mixed separators', '4111.1111_1111/1111'],
    ['a tab and a newline', '4111\t1111\n1111 1111'],
    ['a no-break space and an en dash', '4111\u00a01111\u20131111\u20131111'],
    ['Amex grouping', '3782 822463 10005'],
    ['inside a token', 'tok_4000056655665556'],
    ['inside a provider id', 'stripe_4111_1111_1111_1111'],
    ['after other digits of the same run', 'ref 12 4111-1111-1111-1111'],
    ['in a sentence', 'card: 378282246310005 thanks'],
    ['fullwidth digits', '４１１１ １１１１ １１１１ １１１１'],
    ['Arabic-Indic digits', '\u0664' + '\u0661'.repeat(15)],
  ])('finds a card number (%s)', (_how, text) => expect(containsCardNumber(text)).toBe(true));

  it.each([
    'pm_1Nv0abcDEF',
    '4242',
    '4242424242424241',
    '4111.1111.1111.1112',
    '2099',
    '123456789012',
    'tok-12-34',
    // Letters end a run: these digits never form one number.
    '4111a1111b1111c1111',
    // One group of 20+ digits is an id, not a card.
    '41111111111111111111111',
  ])('leaves %p alone', (text) => expect(containsCardNumber(text)).toBe(false));

  it('names every field, key and number that holds one, nested included', () => {
    expect(
      fieldsWithCardNumbers(
        {
          provider: 'stripe_4111_1111_1111_1111',
          token: 'pm_123',
          meta: { note: ['5555 5555 5555 4444'] },
          last4: 4242424242424242,
          '4111.1111.1111.1111': 'x',
        },
        ['body'],
      ),
    ).toEqual(['body.provider', 'body.meta.note.0', 'body.last4', 'body.(key)']);
    expect(
      fieldsWithCardNumbers(
        { provider: 'stripe', token: 'pm_123', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
        ['body'],
      ),
    ).toEqual([]);
  });
});
