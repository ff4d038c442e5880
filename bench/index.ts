/** `npm run bench`: the page benchmark; the others have their own scripts (bench:eds, bench:msu, bench:acts). */
await import('./pages.js');
