/** Test helpers for the runtimes: the repository's public/ folder served as a fake site. */
import { folderFetch } from '@/lib/load/file-fetch';

export const SITE = 'http://dit-lab.test/';

/** fetch() over public/: 404 for files that are not there. */
export const fileFetch = folderFetch('public');
