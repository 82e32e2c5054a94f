// What the starter kit takes from @tiptap/extensions, each from its own entry: the package's
// main entry also holds extensions the studio never uses (character count, focus, empty-editor
// hints, selection), whose code runs at load and so is never dropped from the bundle.
export { Dropcursor } from "@tiptap/extensions/drop-cursor";
export { Gapcursor } from "@tiptap/extensions/gap-cursor";
export { TrailingNode } from "@tiptap/extensions/trailing-node";
export { UndoRedo } from "@tiptap/extensions/undo-redo";
