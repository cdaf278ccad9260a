// The canvas's level of detail, given to node and edge components by context: it changes
// only when the zoom crosses the threshold (canvas/lod.ts), so a pan or zoom step within one
// level re-renders no node.
import { createContext } from "react";
import type { Detail } from "./lod";

export const DetailContext = createContext<Detail>("full");
