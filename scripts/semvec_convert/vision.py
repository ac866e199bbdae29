"""Image-model sources → semvec CNN files: detects the format from SOURCE (docs/model-format.md, "Image models").

  *.tflite                     TFLite flatbuffer (Coral MobileNet V1/V2, uint8 / int8 quantized)   → tflite.py
  *-weights_manifest.json      TF.js weights (face-api's dlib face-recognition ResNet)             → tfjs.py
  folder with config.json      torchvision state dict ({"arch": "resnet50" | "mobilenet_v2" ...})   → torchvision.py
"""
import os


def convert_vision_source(source, out, dtype="f32"):
    """Converts SOURCE when it is an image model and returns True; False when it is not one."""
    if os.path.isfile(source) and source.endswith(".tflite"):
        from .tflite import convert_tflite
        convert_tflite(source, out, dtype=dtype)
        return True
    if os.path.isfile(source) and source.endswith("weights_manifest.json"):
        from .tfjs import convert_tfjs
        convert_tfjs(source, out, dtype=dtype)
        return True
    if os.path.isdir(source):
        from .torchvision import convert_torchvision, is_torchvision_folder
        if is_torchvision_folder(source):
            convert_torchvision(source, out, dtype=dtype)
            return True
    return False
