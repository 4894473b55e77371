import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is a const enum (erased by some compilers), so name its argon2id member by value.
const OPTIONS = { algorithm: 2 as Algorithm.Argon2id };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/** Checked even for unknown emails, so timing does not reveal which accounts exist. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('greenlight-timing-equaliser');
  try {
    return await verify(passwordHash ?? (await dummyHash), password);
  } catch {
    return false;
  }
}
