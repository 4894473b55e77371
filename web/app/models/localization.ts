/** One territory's localization requirement and whether the episodes meet it (from the API's pre-flight). */
export interface LocalizationCheck {
  territory: string;
  licensed: boolean;
  satisfied: boolean;
  message: string | null;
  missingEpisodeNumbers: number[];
  requirement: { id: string; description: string; languages: string[]; accepts: Array<'AUDIO' | 'SUBTITLES'> };
}

export const LOCALIZATION_PREFLIGHT_FIELDS = 'territory licensed satisfied message missingEpisodeNumbers requirement { id description languages accepts }';
