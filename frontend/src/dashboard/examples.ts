// Example workflows shipped with the app, opened in one click (imported on first use).
import branching from "../examples/branching.json";
import imagePipeline from "../examples/image-pipeline.json";
import jsonMath from "../examples/json-math.json";
import textPipeline from "../examples/text-pipeline.json";
import videoContactSheet from "../examples/video-contact-sheet.json";

export interface Example {
  name: string;
  description: string;
  tags: string[];
  text: string;
}

function example(file: { name: string; description: string; tags?: string[] }): Example {
  return { name: file.name, description: file.description, tags: file.tags ?? [], text: JSON.stringify(file, null, 2) };
}

export const EXAMPLES: Example[] = [example(textPipeline), example(branching), example(jsonMath), example(imagePipeline),
  example(videoContactSheet)];
