/** The API's rule for new passwords, repeated here so the form can say it up front. */
export const MIN_PASSWORD_LENGTH = 10;
