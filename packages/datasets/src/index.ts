export type { AugmentChoice, AugmentOptions } from './augment';
export { AUGMENT_DEFAULTS, augmentChoice, augmentImage, augmentKey } from './augment';
export type { Batch, BatchOptions } from './batches';
export { BATCH_DEFAULTS, batchCount, batches } from './batches';
export {
  CIFAR10_CLASS_NAMES,
  CIFAR10_FILES,
  CIFAR10_RECORD_BYTES,
  decodeCifar10Records,
  readCifar10,
} from './cifar10';
export {
  DatasetError,
  DatasetFormatError,
  DatasetMismatchError,
  DatasetNotFoundError,
  DatasetOptionError,
} from './errors';
export type { Split } from './fashion-mnist';
export {
  DEBIAN_FASHION_MNIST_DIR,
  EMBEDDED_FASHION_MNIST_COUNTS,
  EMBEDDED_FASHION_MNIST_DIR,
  embeddedFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  MNIST_CLASS_NAMES,
  readFashionMnist,
  readMnist,
} from './fashion-mnist';
export type { IdxArray, IdxDatasetOptions } from './idx';
export {
  IDX_DATASET_DEFAULTS,
  IDX_IMAGES_MAGIC,
  IDX_IMAGES_NHWC_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdx,
  readIdxDataset,
  readIdxFile,
} from './idx';
export type { ImageDataset } from './image-dataset';
export { channelStats, checkDataset, classCounts, imageSize, limitDataset } from './image-dataset';
export { MAX_GUNZIP_BYTES } from './read-binary';
export type { DecodedImage, FitImageOptions, ReadImageOptions } from './read-image-file';
export { decodeImage, fitImage, IMAGE_LIMITS, READ_IMAGE_DEFAULTS, readImageFile } from './read-image-file';
export { shuffledIndices } from './shuffle';
export type { SyntheticOptions } from './synthetic';
export { SYNTHETIC_DEFAULTS, SYNTHETIC_MAX_CLASSES, syntheticClassName, syntheticDataset } from './synthetic';
