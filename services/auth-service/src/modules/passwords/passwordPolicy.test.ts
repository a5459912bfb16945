import { isCommonPassword, newPasswordSchema } from './passwordPolicy';

describe('password policy', () => {
  it('accepts 8 to 128 characters with no composition rules', () => {
    expect(newPasswordSchema.safeParse('plain lowercase words').success).toBe(true);
    expect(newPasswordSchema.safeParse('x'.repeat(128)).success).toBe(true);
    expect(newPasswordSchema.safeParse('short7!').success).toBe(false);
    expect(newPasswordSchema.safeParse('x'.repeat(129)).success).toBe(false);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(newPasswordSchema.safeParse('🔑'.repeat(8)).success).toBe(true);
  });

  it('rejects passwords from the bundled common list, ignoring case', () => {
    expect(isCommonPassword('Password1')).toBe(true);
    expect(isCommonPassword('qwertyuiop')).toBe(true);
    expect(newPasswordSchema.safeParse('iloveyou2').success).toBe(isCommonPassword('iloveyou2') ? false : true);
    expect(isCommonPassword('violet-harbour-lantern-42')).toBe(false);
  });
});
