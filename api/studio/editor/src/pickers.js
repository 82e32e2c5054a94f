// The studio's pickers outside the article's body (a cover, for instance): a field set marked
// data-picker holds a search field and the choices it redraws (./finder.js). Without this
// script the choices the page was drawn with can still be chosen.
import { finder } from "./finder.js";

for (const box of document.querySelectorAll("[data-picker]")) finder(box);
