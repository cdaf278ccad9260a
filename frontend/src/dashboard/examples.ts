// Example workflows shipped with the app, opened in one click (imported on first use).
import branching from "../examples/branching.json";
import imagePipeline from "../examples/image-pipeline.json";
import jsonMath from "../examples/json-math.json";
import textPipeline from "../examples/text-pipeline.json";
import videoContactSheet from "../examples/video-contact-sheet.json";
import storyboard from "../examples/storyboard.json";
import podcastClip from "../examples/podcast-clip.json";

export interface Example {
  name: string;
  description: string;
  tags: string[];
  text: string;
  /** the providers (servers) its nodes name: Settings → Providers must have them */
  needs: string[];
}

type ExampleFile = { name: string; description: string; tags?: string[]; nodes?: { params?: Record<string, unknown> }[] };

function example(file: ExampleFile): Example {
  const needs = new Set<string>();
  for (const n of file.nodes ?? []) if (typeof n.params?.provider === "string" && n.params.provider) needs.add(n.params.provider);
  return { name: file.name, description: file.description, tags: file.tags ?? [], text: JSON.stringify(file, null, 2), needs: [...needs].sort() };
}

export const EXAMPLES: Example[] = [example(textPipeline), example(branching), example(jsonMath), example(imagePipeline),
  example(videoContactSheet), example(storyboard), example(podcastClip)];
