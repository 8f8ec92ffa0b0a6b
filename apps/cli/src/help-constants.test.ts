import * as onnx from '@randwire/onnx';
import * as tfjs from '@randwire/tfjs';
import * as copies from './help-constants';

describe('help constants (copies that keep --help from loading tfjs and onnxruntime)', () => {
  it("equal @randwire/tfjs's values", () => {
    expect(copies.BACKEND_PREFERENCES).toEqual(tfjs.BACKEND_PREFERENCES);
    expect(tfjs.TRAIN_DEFAULTS).toMatchObject(copies.TRAIN_DEFAULTS);
    expect(tfjs.RECIPE_NAMES).toEqual(copies.RECIPE_NAMES);
    expect(tfjs.INIT_SCHEMES).toEqual(copies.INIT_SCHEMES);
  });

  it("equal @randwire/onnx's values", () => {
    expect(copies.COMPARE_DEFAULTS).toEqual(onnx.COMPARE_DEFAULTS);
    expect(onnx.EXPORT_DEFAULTS).toMatchObject(copies.EXPORT_DEFAULTS);
    expect(copies.PAD_CHANNELS_ALLOWED).toEqual(onnx.PAD_CHANNELS_ALLOWED);
    expect([copies.MIN_OPSET, copies.MAX_OPSET, copies.MIN_IR_VERSION, copies.MAX_IR_VERSION]).toEqual([
      onnx.MIN_OPSET,
      onnx.MAX_OPSET,
      onnx.MIN_IR_VERSION,
      onnx.MAX_IR_VERSION,
    ]);
  });
});
