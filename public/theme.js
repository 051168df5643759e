// Runs before the first paint (a blocking script in <head>): puts the chosen or the system's colour theme on
// <html>, so a dark page never flashes light. The toggle in the header stores the choice under this key.
(function () {
  var stored = null;
  try {
    stored = localStorage.getItem('millrace:theme');
  } catch {
    // storage refused (private mode): follow the system
  }
  var dark = stored === 'dark' || (stored !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
})();
